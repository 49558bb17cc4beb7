using Microsoft.EntityFrameworkCore;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Data.Tenant.Entities;
using Platform.Web.Features.Workspaces;

namespace Platform.Web.Features.Chat.Settings;

/// <summary>What an editor sends for a personality.</summary>
public sealed class PersonalityInput
{
    public Guid? Id { get; set; }
    public string Name { get; set; } = "";
    public string? Description { get; set; }
    public string SystemPrompt { get; set; } = "";
    public string? Model { get; set; }
    public double Temperature { get; set; } = 0.7;
    public int? MaxTokens { get; set; }
    public double? TopP { get; set; }
    public double? FrequencyPenalty { get; set; }
    public double? PresencePenalty { get; set; }
    public bool IsDefault { get; set; }
    public bool IsActive { get; set; } = true;

    public static PersonalityInput From(AiPersonality p) => new()
    {
        Id = p.Id, Name = p.Name, Description = p.Description, SystemPrompt = p.SystemPrompt, Model = p.Model,
        Temperature = p.Temperature, MaxTokens = p.MaxTokens, TopP = p.TopP, FrequencyPenalty = p.FrequencyPenalty,
        PresencePenalty = p.PresencePenalty, IsDefault = p.IsDefault, IsActive = p.IsActive,
    };
}

/// <summary>A workspace's AI personalities. Every member can pick an active one; owners and admins manage them.
/// Every call enters through a <see cref="WorkspaceScope"/>: a removed member lists none.</summary>
public sealed class PersonalityStore(WorkspaceDirectory directory, ChatModelCatalog models)
{
    public async Task<IReadOnlyList<AiPersonality>> ListAsync(ChatActor actor, bool includeInactive = false, CancellationToken ct = default)
    {
        var scope = Scope(actor);
        if (await scope.RecheckAsync(ct) is not null) return [];
        await using var db = await scope.OpenTenantAsync(ct);
        return await db.AiPersonalities.AsNoTracking().Where(p => includeInactive || p.IsActive)
            .OrderByDescending(p => p.IsDefault).ThenBy(p => p.Name).ToListAsync(ct);
    }

    private WorkspaceScope Scope(ChatActor actor) => directory.MemberScope(actor.WorkspaceId, actor.UserId);

    public async Task<bool> CanManageAsync(ChatActor actor, CancellationToken ct = default)
    {
        var access = (await directory.ForUserAsync(actor.UserId, ct)).FirstOrDefault(w => w.WorkspaceId == actor.WorkspaceId);
        return access?.Role is BuiltInRoles.Owner or BuiltInRoles.Admin;
    }

    public async Task<Result<Guid>> SaveAsync(ChatActor actor, PersonalityInput input, CancellationToken ct = default)
    {
        if (!await CanManageAsync(actor, ct)) return Result<Guid>.Fail("Only workspace owners and admins can manage personalities.");
        if (Validate(input) is { } error) return Result<Guid>.Fail(error);
        // A personality may only name a model of this workspace's catalog (checked again when it answers).
        if (await models.RefusalAsync(actor.WorkspaceId, input.Model, ct) is { } notOffered) return Result<Guid>.Fail(notOffered);

        await using var db = await Scope(actor).OpenTenantAsync(ct);
        var name = input.Name.Trim();
        if (await db.AiPersonalities.AnyAsync(p => p.Name == name && p.Id != input.Id, ct))
            return Result<Guid>.Fail($"A personality named “{name}” already exists.");
        AiPersonality? row;
        if (input.Id is { } id)
        {
            row = await db.AiPersonalities.SingleOrDefaultAsync(p => p.Id == id, ct);
            if (row is null) return Result<Guid>.Fail("This personality no longer exists.");
        }
        else db.AiPersonalities.Add(row = new AiPersonality { Name = name, SystemPrompt = input.SystemPrompt });

        row.Name = name;
        row.Description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim();
        row.SystemPrompt = input.SystemPrompt.Trim();
        row.Model = string.IsNullOrWhiteSpace(input.Model) ? null : input.Model.Trim();
        row.Temperature = input.Temperature;
        row.MaxTokens = input.MaxTokens;
        row.TopP = input.TopP;
        row.FrequencyPenalty = input.FrequencyPenalty;
        row.PresencePenalty = input.PresencePenalty;
        row.IsActive = input.IsActive;
        row.IsDefault = input.IsDefault && input.IsActive;
        if (row.IsDefault)
            await db.AiPersonalities.Where(p => p.IsDefault && p.Id != row.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.IsDefault, false), ct);
        await db.CommitAsync(ct);
        return Result<Guid>.Of(row.Id);
    }

    /// <summary>Deletes a personality no chat uses; one in use is deactivated instead (its chats keep working).</summary>
    public async Task<Result<string>> DeleteAsync(ChatActor actor, Guid id, CancellationToken ct = default)
    {
        if (!await CanManageAsync(actor, ct)) return Result<string>.Fail("Only workspace owners and admins can manage personalities.");
        await using var db = await Scope(actor).OpenTenantAsync(ct);
        var row = await db.AiPersonalities.SingleOrDefaultAsync(p => p.Id == id, ct);
        if (row is null) return Result<string>.Fail("This personality no longer exists.");
        string outcome;
        if (await db.Chats.AnyAsync(c => c.PersonalityId == id, ct))
        {
            row.IsActive = false;
            row.IsDefault = false;
            outcome = "Chats use this personality, so it was deactivated instead of deleted.";
        }
        else
        {
            db.AiPersonalities.Remove(row);
            outcome = "Personality deleted.";
        }
        await db.CommitAsync(ct);
        return Result<string>.Of(outcome);
    }

    private static string? Validate(PersonalityInput p) =>
        string.IsNullOrWhiteSpace(p.Name) ? "Give the personality a name."
        : p.Name.Trim().Length > 100 ? "A name can be at most 100 characters."
        : string.IsNullOrWhiteSpace(p.SystemPrompt) ? "Write a system prompt."
        : p.SystemPrompt.Length > 8000 ? "A system prompt can be at most 8,000 characters."
        : p.Temperature is < 0 or > 2 ? "Temperature goes from 0 to 2."
        : p.TopP is < 0 or > 1 ? "Top-p goes from 0 to 1."
        : p.MaxTokens is < 1 or > 128_000 ? "Max tokens goes from 1 to 128,000."
        : p.FrequencyPenalty is < -2 or > 2 || p.PresencePenalty is < -2 or > 2 ? "Penalties go from -2 to 2."
        : null;
}
