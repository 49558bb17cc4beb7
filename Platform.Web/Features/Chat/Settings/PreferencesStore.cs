using Microsoft.EntityFrameworkCore;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;

namespace Platform.Web.Features.Chat.Settings;

/// <summary>A user's preferences in the main store (only their own row is visible to them, by RLS).</summary>
public sealed class PreferencesStore(MainDbFactory main, ChatModelCatalog models, ILogger<PreferencesStore> logger)
{
    /// <summary>Published after a user saved: open pages of that user apply it at once.</summary>
    public Signal<UserPreferences> Saved { get; } = new(logger, "PreferencesSaved");

    public async Task<UserPreferences> GetAsync(Guid userId, CancellationToken ct = default)
    {
        await using var db = await main.OpenAsync(DbSession.ForUser(userId), ct);
        return await db.UserPreferences.AsNoTracking().SingleOrDefaultAsync(p => p.UserId == userId, ct)
               ?? new UserPreferences { UserId = userId };
    }

    /// <summary>Saves from a workspace's settings page: a default model must be one of that workspace's catalog.
    /// (Preferences span workspaces: where another workspace doesn't offer the model, its answers skip it.)</summary>
    public async Task<Result<UserPreferences>> SaveAsync(ChatActor actor, UserPreferences changes, CancellationToken ct = default)
    {
        if (await models.RefusalAsync(actor.WorkspaceId, changes.DefaultModel, ct) is { } notOffered)
            return Result<UserPreferences>.Fail(notOffered);
        return Result<UserPreferences>.Of(await SaveAsync(actor.UserId, changes, ct));
    }

    public async Task<UserPreferences> SaveAsync(Guid userId, UserPreferences changes, CancellationToken ct = default)
    {
        if (changes.Theme is not ("light" or "dark" or "system")) changes.Theme = "system";
        changes.CustomInstructions = string.IsNullOrWhiteSpace(changes.CustomInstructions) ? null
            : changes.CustomInstructions.Trim()[..Math.Min(4000, changes.CustomInstructions.Trim().Length)];
        changes.DefaultModel = string.IsNullOrWhiteSpace(changes.DefaultModel) ? null : changes.DefaultModel.Trim();

        await using var db = await main.OpenAsync(DbSession.ForUser(userId), ct);
        var row = await db.UserPreferences.SingleOrDefaultAsync(p => p.UserId == userId, ct);
        if (row is null) db.UserPreferences.Add(row = new UserPreferences { UserId = userId });
        row.DefaultModel = changes.DefaultModel;
        row.DefaultPersonalityId = changes.DefaultPersonalityId;
        row.CustomInstructions = changes.CustomInstructions;
        row.Theme = changes.Theme;
        row.SendWithEnter = changes.SendWithEnter;
        row.ShowStatsForNerds = changes.ShowStatsForNerds;
        row.HidePersonalInfo = changes.HidePersonalInfo;
        row.UpdatedAt = DateTimeOffset.UtcNow;
        await db.CommitAsync(ct);
        Saved.Publish(row);
        return row;
    }
}
