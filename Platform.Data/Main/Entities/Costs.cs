namespace Platform.Data.Main.Entities;

/// <summary>
/// One AI call's bill: who, what, how many tokens, how much money. Append-only for the app (UPDATE/DELETE
/// policies are false), and no foreign key to the workspace: the bill outlives the workspace it belongs to.
/// The id is the caller's call id, so recording the same call twice stores it once. Stored in monthly partitions of
/// occurred_at (the primary key includes it, as PostgreSQL requires): retention drops whole old months.
/// </summary>
public class CostEvent : WorkspaceScoped
{
    public Guid? UserId { get; set; }

    /// <summary>Anonymous widget visitor (no signed-in user).</summary>
    public string? VisitorId { get; set; }

    public Guid? ChatId { get; set; }
    public Guid? MessageId { get; set; }

    /// <summary>llm, embedding, vision, voice_stt, voice_tts, livekit.</summary>
    public required string Service { get; set; }

    public required string Provider { get; set; }
    public required string Model { get; set; }

    /// <summary>chat, title, suggestions, ingestion, query … (free-form, from the caller).</summary>
    public string? Operation { get; set; }

    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }

    /// <summary>USD, 6 decimal places, from the price table at the time of the call.</summary>
    public decimal CostUsd { get; set; }

    public int LatencyMs { get; set; }
    public bool Success { get; set; } = true;
    public string? Error { get; set; }
    public DateTimeOffset OccurredAt { get; set; } = DateTimeOffset.UtcNow;
}

/// <summary>
/// The sums every rollup row carries. Rollups are maintained in the same transaction that writes the events
/// (Features/Costs/Recording), so dashboards and budgets read exact figures without touching raw events.
/// Each grain is its own small table, keyed by exactly what one dashboard query groups by
/// (docs/adr/ADR-cost-rollup-grains.md has the measurements behind the choice).
/// </summary>
public abstract class CostTotals
{
    public long EventCount { get; set; }
    public long FailedCount { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public decimal CostUsd { get; set; }
    public long LatencyMsTotal { get; set; }
}

/// <summary>Workspace × hour × service × provider × model: the hour-bucket series of "today" and "yesterday" only.
/// Rows older than the hourly window are deleted by the maintenance worker (the day rows hold the same money).</summary>
public class CostHourRollup : CostTotals
{
    public Guid WorkspaceId { get; set; }
    public DateTimeOffset PeriodStart { get; set; }
    public required string Service { get; set; }
    public required string Provider { get; set; }
    public required string Model { get; set; }
}

/// <summary>Workspace × day × service × provider × model: the workspace dashboard's totals, series and breakdowns.
/// Periods older than the daily-detail window are folded into one row per month (PeriodStart = the month's first day).</summary>
public class CostDayRollup : CostTotals
{
    public Guid WorkspaceId { get; set; }
    public DateTimeOffset PeriodStart { get; set; }
    public required string Service { get; set; }
    public required string Provider { get; set; }
    public required string Model { get; set; }
}

/// <summary>Workspace × user × day: the "by user" breakdown. <see cref="UserId"/> <see cref="Guid.Empty"/> = calls
/// without a signed-in user (widget visitors). Folded into months like <see cref="CostDayRollup"/>.</summary>
public class CostUserDayRollup : CostTotals
{
    public Guid WorkspaceId { get; set; }
    public DateTimeOffset PeriodStart { get; set; }
    public Guid UserId { get; set; }
}

/// <summary>Day × workspace totals: budgets, alerts, gauges and the admin console's top workspaces.
/// Folded into months like <see cref="CostDayRollup"/>.</summary>
public class CostWorkspaceDayRollup : CostTotals
{
    public DateTimeOffset PeriodStart { get; set; }
    public Guid WorkspaceId { get; set; }
}

/// <summary>Platform × day × service × provider × model, all workspaces together: the admin console's totals,
/// series and by-model list. No workspace column, so its own policy lets only platform admins see it.</summary>
public class CostPlatformDayRollup : CostTotals
{
    public DateTimeOffset PeriodStart { get; set; }
    public required string Service { get; set; }
    public required string Provider { get; set; }
    public required string Model { get; set; }
}

/// <summary>A chat's (or widget session's) running total since its first call: the "top chats" list.
/// Kept per chat, not per period, so it costs one row per chat whatever the chat's length.</summary>
public class ChatCostTotal : CostTotals
{
    public Guid WorkspaceId { get; set; }
    public Guid ChatId { get; set; }
    public DateTimeOffset FirstAt { get; set; }
    public DateTimeOffset LastAt { get; set; }
}

public static class BudgetPeriod
{
    public const string Day = "day";
    public const string Week = "week";
    public const string Month = "month";
    public static readonly string[] All = [Day, Week, Month];
}

/// <summary>A workspace's spend limits (one row per workspace). Null limit = no limit for that period.</summary>
public class Budget : WorkspaceScoped
{
    public decimal? MonthlyLimitUsd { get; set; }
    public decimal? WeeklyLimitUsd { get; set; }
    public decimal? DailyLimitUsd { get; set; }

    /// <summary>Percentages of a limit that raise an alert once per period (100 and more are critical).</summary>
    public int[] ThresholdsPercent { get; set; } = [50, 80, 100];

    /// <summary>At the limit: alert but keep serving AI calls.</summary>
    public bool WarnOnly { get; set; }

    public Guid? UpdatedByUserId { get; set; }
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}

/// <summary>
/// The budget guard's counter for one workspace and period: money settled through the guard plus money reserved
/// by calls in flight. Updated only by single conditional statements, which is what makes enforcement race-free.
/// </summary>
public class BudgetLedger : WorkspaceScoped
{
    public required string Period { get; set; }
    public DateTimeOffset PeriodStart { get; set; }
    public decimal SpentUsd { get; set; }
    public decimal ReservedUsd { get; set; }
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}

/// <summary>A threshold crossed in a period. Unique per (workspace, period, period start, threshold): raised once.</summary>
public class BudgetAlert : WorkspaceScoped
{
    public required string Period { get; set; }
    public DateTimeOffset PeriodStart { get; set; }
    public int ThresholdPercent { get; set; }
    public decimal LimitUsd { get; set; }
    public decimal SpendUsd { get; set; }

    /// <summary>warning below 100 %, critical at or above.</summary>
    public required string Severity { get; set; }

    public int NotificationsSent { get; set; }
    public DateTimeOffset TriggeredAt { get; set; } = DateTimeOffset.UtcNow;
    public bool Resolved { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public Guid? ResolvedByUserId { get; set; }
}

/// <summary>
/// Credits used in one period by one user of a workspace (user_id null = the workspace's shared pool, or
/// anonymous visitors with <see cref="VisitorId"/>). Consumed by a conditional upsert: never past the limit.
/// </summary>
public class RateLimit : WorkspaceScoped
{
    public Guid? UserId { get; set; }
    public string? VisitorId { get; set; }

    /// <summary>anonymous, free, pro (configurable in appsettings Costs:Tiers).</summary>
    public required string Tier { get; set; }

    public DateTimeOffset PeriodStart { get; set; }
    public DateTimeOffset ResetsAt { get; set; }
    public int MessageCreditsUsed { get; set; }
    public int SearchCallsUsed { get; set; }
    public int ResearchCallsUsed { get; set; }
    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
}

/// <summary>One metered request (message, search, research …): what it cost in credits and whether it was allowed.
/// Stored in monthly partitions of created_at (part of the primary key), dropped by the same retention as cost events.</summary>
public class UsageLog : WorkspaceScoped
{
    public Guid? UserId { get; set; }
    public string? VisitorId { get; set; }

    /// <summary>message, search, research, file_upload.</summary>
    public required string UsageType { get; set; }

    public string? Model { get; set; }
    public int CreditsConsumed { get; set; }
    public long? TokensUsed { get; set; }
    public int? RequestDurationMs { get; set; }
    public bool Success { get; set; } = true;
    public Guid? ChatId { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}
