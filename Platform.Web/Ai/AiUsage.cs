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
}

/// <summary>Allowed or not; when allowed, settle with the actual cost (or release) once the call ends.</summary>
public sealed class BudgetReservation(bool allowed, string? refusal, Func<decimal, Task>? settle = null)
{
    public bool Allowed { get; } = allowed;
    public string? Refusal { get; } = refusal;
    public Task SettleAsync(decimal actualCostUsd) => settle?.Invoke(actualCostUsd) ?? Task.CompletedTask;

    public static BudgetReservation Allow(Func<decimal, Task>? settle = null) => new(true, null, settle);
    public static BudgetReservation Refuse(string reason) => new(false, reason);
}
