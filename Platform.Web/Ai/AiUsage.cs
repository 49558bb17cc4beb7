namespace Platform.Web.Ai;

/// <summary>Services billed per call (the seed's cost services).</summary>
public static class AiService
{
    public const string Llm = "llm";
    public const string Embedding = "embedding";
    public const string Vision = "vision";
    public const string VoiceStt = "voice_stt";
    public const string VoiceTts = "voice_tts";
    public const string LiveKit = "livekit";
}

/// <summary>What one AI call used. Every call (chat answer, title, suggestions, embeddings) reports one.</summary>
public sealed record AiUsage(
    Guid WorkspaceId,
    Guid? UserId,
    string Service,
    string Provider,
    string Model,
    long InputTokens,
    long OutputTokens,
    TimeSpan Latency,
    bool Success,
    Guid? ChatId = null,
    Guid? MessageId = null,
    string? Operation = null,
    string? Error = null)
{
    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>Identifies the call: recording the same call id twice (a retry, a finally after a catch) bills
    /// it once. Set it when the same call may report more than once; each new record otherwise gets its own.</summary>
    public Guid CallId { get; init; } = Guid.CreateVersion7();

    /// <summary>Anonymous widget visitor when there is no signed-in user.</summary>
    public string? VisitorId { get; init; }
}

/// <summary>Records AI usage as cost events (implemented by Features/Costs). Must be cheap on the caller's path:
/// it buffers and never throws for storage problems.</summary>
public interface IAiUsageRecorder
{
    void Record(AiUsage usage);
}

/// <summary>Budget and credit enforcement before an AI call (implemented by Features/Costs).</summary>
public interface IAiBudgetGuard
{
    /// <summary>Reserves up to <paramref name="maxCostUsd"/> for a call; a refusal explains itself to the user.</summary>
    Task<BudgetReservation> ReserveAsync(Guid workspaceId, Guid? userId, string service, decimal maxCostUsd, CancellationToken ct = default);

    /// <summary>Consumes one credit of <paramref name="kind"/> (a chat message, a search, a research run) for the
    /// user (or anonymous visitor) under their tier's limits; call once per user request, not per model call.</summary>
    Task<CreditResult> ConsumeCreditAsync(Guid workspaceId, Guid? userId, string kind, string? visitorId = null, CancellationToken ct = default) =>
        Task.FromResult(CreditResult.Unlimited);

    /// <summary>Gives back a credit <see cref="ConsumeCreditAsync"/> took for a request that then could not be kept
    /// (a compensating step: the credit and the request live in different databases). Never throws.</summary>
    Task RefundCreditAsync(Guid workspaceId, Guid? userId, string kind, string? visitorId = null, CancellationToken ct = default) =>
        Task.CompletedTask;
}

/// <summary>What a user request consumes credits of (tiers in appsettings Costs:Tiers).</summary>
public static class CreditKind
{
    public const string Message = "message";
    public const string Search = "search";
    public const string Research = "research";
}

/// <summary>Allowed or not, how many remain, and when the period resets ("resets in 3 h").</summary>
public sealed record CreditResult(bool Allowed, string? Refusal, int? Remaining, DateTimeOffset? ResetsAt)
{
    public static readonly CreditResult Unlimited = new(true, null, null, null);
}

/// <summary>Allowed or not; when allowed, settle with the actual cost (or release) once the call ends.</summary>
public sealed class BudgetReservation(bool allowed, string? refusal, Func<decimal, Task>? settle = null)
{
    public bool Allowed { get; } = allowed;
    public string? Refusal { get; } = refusal;
    public Task SettleAsync(decimal actualCostUsd) => settle?.Invoke(actualCostUsd) ?? Task.CompletedTask;

    /// <summary>Allowed past the limit because the workspace chose "warn only": worth showing to the user.</summary>
    public string? Warning { get; init; }

    public static BudgetReservation Allow(Func<decimal, Task>? settle = null) => new(true, null, settle);
    public static BudgetReservation Refuse(string reason) => new(false, reason);
}
