using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Web.Ai;
using Platform.Web.Ai.Chat;
using Platform.Web.Ai.Pricing;
using Platform.Web.Infrastructure.Network;

namespace Platform.Web.Features.Workspaces;

public sealed record ProviderKeyRow(Guid Id, string Name, string BaseUrl, string? KeyHint, string ChatModel,
    string? EmbeddingModel, bool IsActive, DateTimeOffset CreatedAt, DateTimeOffset? RotatedAt,
    DateTimeOffset? LastTestedAt, string? LastTestResult);

public sealed class ProviderKeyInput
{
    public string Name { get; set; } = "OpenAI-compatible";
    public string BaseUrl { get; set; } = "https://api.openai.com/v1";
    public string? ApiKey { get; set; }
    public string ChatModel { get; set; } = "gpt-4o-mini";
    public string? EmbeddingModel { get; set; }
}

/// <summary>
/// The workspace's AI provider keys vault (manage_settings): add, test, rotate, activate, delete. Keys are
/// encrypted with Data Protection before they reach the database and only a hint is ever read back to a page.
/// Also the workspace side of <see cref="IWorkspaceAiSettingsProvider"/>: the active provider when there is one,
/// else the platform-wide settings.
/// </summary>
public sealed class WorkspaceAiKeys(
    MainDbFactory main, WorkspacePermissions permissions, IDataProtectionProvider protection, AiEndpointTester tester,
    IOptions<PlatformAiOptions> platformAi, PriceTable prices) : IWorkspaceAiSettingsProvider
{
    public const string Purpose = "Platform.WorkspaceProviderKeys.ApiKey";
    private IDataProtector Protector => protection.CreateProtector(Purpose);

    public async Task<IReadOnlyList<ProviderKeyRow>> ListAsync(Guid workspaceId, Guid actorId, CancellationToken ct = default)
    {
        if (!await permissions.HasAsync(workspaceId, actorId, WorkspacePermission.ManageSettings, ct)) return [];
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, actorId), ct);
        return await db.WorkspaceProviderKeys.Where(k => k.WorkspaceId == workspaceId).OrderByDescending(k => k.IsActive).ThenBy(k => k.Name)
            .Select(k => new ProviderKeyRow(k.Id, k.Name, k.BaseUrl, k.KeyHint, k.ChatModel, k.EmbeddingModel, k.IsActive,
                k.CreatedAt, k.RotatedAt, k.LastTestedAt, k.LastTestResult))
            .ToListAsync(ct);
    }

    /// <summary>Tests the input before anything is stored. Takes the permission saving keys takes: the test makes
    /// the server call a URL someone typed.</summary>
    public async Task<Result> TestInputAsync(Guid workspaceId, Guid actorId, ProviderKeyInput input, CancellationToken ct = default)
    {
        if (await permissions.CheckAsync(workspaceId, actorId, WorkspacePermission.ManageSettings, ct) is { } refusal) return refusal;
        if (Validate(input) is { } invalid) return Result.Fail(invalid);
        return await tester.TestAsync(input.BaseUrl.Trim(), input.ApiKey, input.ChatModel, input.EmbeddingModel, ct) is { } failed
            ? Failure.Unavailable(failed)
            : Result.Success;
    }

    /// <summary>Adds a provider; the newest added becomes the active one.</summary>
    public async Task<Result<Guid>> AddAsync(Guid workspaceId, Guid actorId, ProviderKeyInput input, CancellationToken ct = default)
    {
        if (Validate(input) is { } invalid) return Result<Guid>.Fail(invalid);
        if (await permissions.CheckAsync(workspaceId, actorId, WorkspacePermission.ManageSettings, ct) is { } refusal)
            return refusal;
        // Refused addresses are refused at use too (WorkspaceAiHttp); saying so now saves a confusing first chat.
        var check = await OutboundAddressGuard.CheckAsync(new Uri(input.BaseUrl.Trim()).Host, platformAi.Value.AllowPrivateNetworks, ct);
        if (check.Refusal == OutboundRefusal.PrivateNetwork) return Result<Guid>.Fail(WorkspaceAiHttp.Refused);
        // A paid provider's chat model must have a price (or Pricing:DefaultModel): it would otherwise run unbilled.
        if (!prices.CanBill(ChatProviderFactory.ProviderName(input.BaseUrl.Trim()), input.ChatModel.Trim()))
            return Result<Guid>.Fail(PriceTable.Unpriced(input.ChatModel.Trim()));
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, actorId), ct);
        if (await db.WorkspaceProviderKeys.AnyAsync(k => k.WorkspaceId == workspaceId && k.Name == input.Name.Trim(), ct))
            return Result<Guid>.Fail($"There is already a provider named '{input.Name.Trim()}'.");
        await db.WorkspaceProviderKeys.Where(k => k.WorkspaceId == workspaceId && k.IsActive)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.IsActive, false), ct);
        var key = new WorkspaceProviderKey
        {
            WorkspaceId = workspaceId, Name = input.Name.Trim(), BaseUrl = input.BaseUrl.Trim().TrimEnd('/'),
            ChatModel = input.ChatModel.Trim(), EmbeddingModel = string.IsNullOrWhiteSpace(input.EmbeddingModel) ? null : input.EmbeddingModel.Trim(),
            IsActive = true, CreatedByUserId = actorId,
        };
        SetSecret(key, input.ApiKey);
        db.WorkspaceProviderKeys.Add(key);
        await db.CommitAsync(AuditTrail.Entry(workspaceId, actorId, "ai_key.added", "provider_key", key.Id, new { key.Name, key.BaseUrl, key.KeyHint }), ct);
        return key.Id;
    }

    /// <summary>Replaces the key (models and URL unchanged).</summary>
    public Task<Result> RotateAsync(Guid workspaceId, Guid actorId, Guid keyId, string? newApiKey, CancellationToken ct = default) =>
        ChangeAsync(workspaceId, actorId, keyId, "ai_key.rotated", key =>
        {
            SetSecret(key, newApiKey);
            key.RotatedAt = DateTimeOffset.UtcNow;
            key.LastTestResult = null;
        }, ct);

    public Task<Result> ActivateAsync(Guid workspaceId, Guid actorId, Guid keyId, CancellationToken ct = default) =>
        ChangeAsync(workspaceId, actorId, keyId, "ai_key.activated", key => key.IsActive = true, ct, deactivateOthers: true);

    /// <summary>Stops using the workspace's own providers: back to the platform's (or built-in offline) ones.</summary>
    public async Task<Result> UsePlatformDefaultAsync(Guid workspaceId, Guid actorId, CancellationToken ct = default)
    {
        if (await permissions.CheckAsync(workspaceId, actorId, WorkspacePermission.ManageSettings, ct) is { } refusal)
            return refusal;
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, actorId), ct);
        await db.WorkspaceProviderKeys.Where(k => k.WorkspaceId == workspaceId && k.IsActive)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.IsActive, false), ct);
        await db.CommitAsync(AuditTrail.Entry(workspaceId, actorId, "ai_key.platform_default", "workspace", workspaceId), ct);
        return Result.Success;
    }

    public async Task<Result> DeleteAsync(Guid workspaceId, Guid actorId, Guid keyId, CancellationToken ct = default)
    {
        if (await permissions.CheckAsync(workspaceId, actorId, WorkspacePermission.ManageSettings, ct) is { } refusal)
            return refusal;
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, actorId), ct);
        var deleted = await db.WorkspaceProviderKeys.Where(k => k.WorkspaceId == workspaceId && k.Id == keyId).ExecuteDeleteAsync(ct);
        if (deleted > 0) await db.CommitAsync(AuditTrail.Entry(workspaceId, actorId, "ai_key.deleted", "provider_key", keyId), ct);
        return Result.Success;
    }

    /// <summary>Tests a stored provider with its stored (decrypted) key and records the outcome.</summary>
    public async Task<Result> TestStoredAsync(Guid workspaceId, Guid actorId, Guid keyId, CancellationToken ct = default)
    {
        string? outcome = null;
        var result = await ChangeAsync(workspaceId, actorId, keyId, "ai_key.tested", _ => { }, ct, async key =>
        {
            outcome = await tester.TestAsync(key.BaseUrl, Reveal(key), key.ChatModel, key.EmbeddingModel, ct);
            key.LastTestedAt = DateTimeOffset.UtcNow;
            key.LastTestResult = outcome is null ? "ok" : outcome[..Math.Min(outcome.Length, 500)];
        });
        return !result.Ok ? result : outcome is null ? Result.Success : Result.Fail(outcome);
    }

    /// <summary>IWorkspaceAiSettingsProvider: the active provider's endpoints, else the platform's.</summary>
    public async Task<WorkspaceAiSettings> GetAsync(Guid workspaceId, CancellationToken ct = default)
    {
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId), ct);
        var key = await db.WorkspaceProviderKeys.Where(k => k.WorkspaceId == workspaceId && k.IsActive).FirstOrDefaultAsync(ct);
        var platform = platformAi.Value;
        if (key is null) return new WorkspaceAiSettings(platform.Chat, platform.Embeddings);
        var apiKey = Reveal(key);
        // Marked as typed in by the workspace: connections to it go through the outbound address guard.
        return new WorkspaceAiSettings(
            new AiEndpoint(key.BaseUrl, apiKey, key.ChatModel) { WorkspaceSupplied = true },
            key.EmbeddingModel is null ? platform.Embeddings : new AiEndpoint(key.BaseUrl, apiKey, key.EmbeddingModel) { WorkspaceSupplied = true });
    }

    private async Task<Result> ChangeAsync(Guid workspaceId, Guid actorId, Guid keyId, string action,
        Action<WorkspaceProviderKey> change, CancellationToken ct, Func<WorkspaceProviderKey, Task>? changeAsync = null,
        bool deactivateOthers = false)
    {
        if (await permissions.CheckAsync(workspaceId, actorId, WorkspacePermission.ManageSettings, ct) is { } refusal)
            return refusal;
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, actorId), ct);
        var key = await db.WorkspaceProviderKeys.SingleOrDefaultAsync(k => k.WorkspaceId == workspaceId && k.Id == keyId, ct);
        if (key is null) return Result.Fail("That provider no longer exists.");
        if (deactivateOthers)
            await db.WorkspaceProviderKeys.Where(k => k.WorkspaceId == workspaceId && k.IsActive && k.Id != keyId)
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.IsActive, false), ct);
        change(key);
        if (changeAsync is not null) await changeAsync(key);
        await db.CommitAsync(AuditTrail.Entry(workspaceId, actorId, action, "provider_key", key.Id, new { key.Name, key.KeyHint, key.LastTestResult }), ct);
        return Result.Success;
    }

    private void SetSecret(WorkspaceProviderKey key, string? apiKey)
    {
        apiKey = string.IsNullOrWhiteSpace(apiKey) ? null : apiKey.Trim();
        key.EncryptedApiKey = apiKey is null ? null : Protector.Protect(apiKey);
        key.KeyHint = Hint(apiKey);
    }

    private string? Reveal(WorkspaceProviderKey key) => key.EncryptedApiKey is null ? null : Protector.Unprotect(key.EncryptedApiKey);

    /// <summary>First three and last four characters, only for keys long enough that this reveals little.</summary>
    public static string? Hint(string? apiKey) => apiKey switch
    {
        null => null,
        { Length: >= 16 } => $"{apiKey[..3]}…{apiKey[^4..]}",
        _ => "…" + (apiKey.Length > 8 ? apiKey[^2..] : ""),
    };

    private static string? Validate(ProviderKeyInput input)
    {
        if (string.IsNullOrWhiteSpace(input.Name)) return "Give the provider a name.";
        if (!Uri.TryCreate(input.BaseUrl?.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            return "The base URL must be an http(s) address, e.g. https://api.openai.com/v1.";
        if (string.IsNullOrWhiteSpace(input.ChatModel)) return "Name the chat model (e.g. gpt-4o-mini).";
        return null;
    }
}
