namespace Platform.Web.Features.Costs;

/// <summary>appsettings "Costs": the recording path and the credit tiers.</summary>
public sealed class CostsOptions
{
    public const string Section = "Costs";

    /// <summary>How long the writer gathers events before one batched COPY. Also the most a crash can lose.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Events per COPY transaction at most.</summary>
    public int MaxBatch { get; set; } = 5000;

    /// <summary>Months of raw cost events and usage logs kept before the current month (whole monthly partitions are
    /// dropped by the maintenance worker; the rollups stay, so dashboards and budgets keep every figure). Null or 0
    /// = keep raw rows forever. Example: 12 keeps the current month and the 12 before it.</summary>
    public int? RawRetentionMonths { get; set; }

    /// <summary>Months before the current one whose rollups keep one row per day (at least 1, so budgets' weeks and
    /// the 30-day view are always exact to the day). Older periods are folded into one row per month, and views of
    /// them start and end on month boundaries.</summary>
    public int DailyDetailMonths { get; set; } = 1;

    /// <summary>How often the maintenance worker creates partitions ahead, applies retention and folds old rollups.</summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>anonymous, free, pro … (a workspace's plan Free → free, Pro/Enterprise → pro; no user → anonymous).</summary>
    public Dictionary<string, CreditTier> Tiers { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>Credits per period for one tier. Null = unlimited; 0 = not allowed at all.</summary>
public sealed class CreditTier
{
    /// <summary>day, week or month (periods start at 00:00 UTC, weeks on Monday).</summary>
    public string Period { get; set; } = "day";

    public int? MessageCredits { get; set; }
    public int? SearchCalls { get; set; }
    public int? ResearchCalls { get; set; }

    /// <summary>Shared pool of message credits for the whole workspace per period (on top of the per-user limit).</summary>
    public int? WorkspaceMessageCredits { get; set; }

    public int? Limit(string kind) => kind switch
    {
        Ai.CreditKind.Message => MessageCredits,
        Ai.CreditKind.Search => SearchCalls,
        Ai.CreditKind.Research => ResearchCalls,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown credit kind"),
    };
}
