namespace Platform.Web.Features.Costs;

/// <summary>A dashboard's date range [From, To) and the bucket size of its time series.</summary>
public sealed record CostRange(DateTimeOffset From, DateTimeOffset To, string Bucket)
{
    /// <summary>Hour buckets for ranges up to two days, day buckets up to ~3 months, else month buckets.</summary>
    public static CostRange Of(DateTimeOffset from, DateTimeOffset to)
    {
        var span = to - from;
        var bucket = span <= TimeSpan.FromDays(2) ? "hour" : span <= TimeSpan.FromDays(93) ? "day" : "month";
        return new CostRange(from, to, bucket);
    }
}

public static class CostGrouping
{
    public const string Service = "service";
    public const string Model = "model";
    public const string Provider = "provider";
}

public sealed record SeriesPoint(DateTimeOffset Bucket, string Key, decimal CostUsd);

public sealed record Breakdown(string Key, string? Label, long Events, long InputTokens, long OutputTokens, decimal CostUsd);

public sealed record AlertView(Guid Id, Guid WorkspaceId, string? Workspace, string Period, DateTimeOffset PeriodStart, int ThresholdPercent,
    decimal LimitUsd, decimal SpendUsd, string Severity, DateTimeOffset TriggeredAt, bool Resolved);

public sealed record BudgetGauge(string Period, decimal LimitUsd, decimal SpentUsd, decimal ForecastUsd, DateTimeOffset PeriodEnd, bool WarnOnly);

public sealed record CostDashboard(
    CostRange Range,
    decimal TotalUsd,
    long Events,
    long FailedEvents,
    IReadOnlyList<SeriesPoint> SpendOverTime,
    IReadOnlyList<Breakdown> ByModel,
    IReadOnlyList<Breakdown> ByUser,
    IReadOnlyList<Breakdown> TopChats,
    IReadOnlyList<Breakdown> ByService)
{
    public bool IsEmpty => Events == 0;

    /// <summary>What the time series is stacked by: service, model or provider.</summary>
    public string GroupBy { get; init; } = CostGrouping.Service;

    /// <summary>Set when the range shown differs from the one asked (older costs are kept per month).</summary>
    public string? RangeNote { get; init; }

    /// <summary>Raw events (the latest calls list, the CSV export) exist from this instant on; null = all kept.</summary>
    public DateTimeOffset? RawEventsFrom { get; init; }
}

public sealed record RecentEvent(Guid Id, DateTimeOffset OccurredAt, string Service, string Provider, string Model, string? Operation,
    Guid? UserId, Guid? ChatId, Guid? MessageId, long InputTokens, long OutputTokens, decimal CostUsd, int LatencyMs, bool Success);

public sealed record AdminCostOverview(
    decimal TotalUsd,
    IReadOnlyList<SeriesPoint> SpendOverTime,
    IReadOnlyList<Breakdown> TopWorkspaces,
    IReadOnlyList<Breakdown> ByProviderModel,
    IReadOnlyList<AlertView> FiringAlerts);

/// <summary>A rollup bucket whose numbers differ from the raw events' sums. <see cref="PeriodStart"/> is null for a
/// chat's running total; <see cref="Key"/> is the user (user_day) or the chat (chat); the platform grain has
/// <see cref="Guid.Empty"/> as workspace.</summary>
public sealed record RollupMismatch(Guid WorkspaceId, string Granularity, DateTimeOffset? PeriodStart, Guid? Key, long RollupEvents, long RawEvents,
    decimal RollupUsd, decimal RawUsd);
