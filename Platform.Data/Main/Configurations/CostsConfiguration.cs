using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Data.Main.Entities;

namespace Platform.Data.Main.Configurations;

/// <summary>Billing tables: cost events are kept without a foreign key to the workspace (the bill outlives it).</summary>
public class CostEventConfiguration : IEntityTypeConfiguration<CostEvent>
{
    public void Configure(EntityTypeBuilder<CostEvent> b)
    {
        // Partitioned by month of occurred_at (see migration CostRollupGrains): a partitioned table's primary key
        // must contain the partition key.
        b.ToTable("cost_events");
        b.HasKey(e => new { e.WorkspaceId, e.Id, e.OccurredAt });
        b.Property(e => e.Service).HasMaxLength(20);
        b.Property(e => e.Provider).HasMaxLength(60);
        b.Property(e => e.Model).HasMaxLength(120);
        b.Property(e => e.Operation).HasMaxLength(40);
        b.Property(e => e.VisitorId).HasMaxLength(64);
        b.Property(e => e.Error).HasMaxLength(500);
        b.Property(e => e.CostUsd).HasPrecision(18, 6);
        b.HasIndex(e => new { e.WorkspaceId, e.OccurredAt });
        b.HasIndex(e => new { e.WorkspaceId, e.ChatId });
    }
}

/// <summary>The measures every rollup table carries, with the money's precision.</summary>
internal static class CostTotalsConfiguration
{
    public static void HasTotals<T>(this EntityTypeBuilder<T> b) where T : CostTotals =>
        b.Property(e => e.CostUsd).HasPrecision(18, 6);
}

public class CostHourRollupConfiguration : IEntityTypeConfiguration<CostHourRollup>
{
    public void Configure(EntityTypeBuilder<CostHourRollup> b)
    {
        b.ToTable("cost_rollup_hours");
        b.HasKey(e => new { e.WorkspaceId, e.PeriodStart, e.Service, e.Provider, e.Model });
        b.Property(e => e.Service).HasMaxLength(20);
        b.Property(e => e.Provider).HasMaxLength(60);
        b.Property(e => e.Model).HasMaxLength(120);
        b.HasTotals();
        b.HasIndex(e => e.PeriodStart); // the hourly window's pruning
    }
}

public class CostDayRollupConfiguration : IEntityTypeConfiguration<CostDayRollup>
{
    public void Configure(EntityTypeBuilder<CostDayRollup> b)
    {
        b.ToTable("cost_rollup_days");
        b.HasKey(e => new { e.WorkspaceId, e.PeriodStart, e.Service, e.Provider, e.Model });
        b.Property(e => e.Service).HasMaxLength(20);
        b.Property(e => e.Provider).HasMaxLength(60);
        b.Property(e => e.Model).HasMaxLength(120);
        b.HasTotals();
    }
}

public class CostUserDayRollupConfiguration : IEntityTypeConfiguration<CostUserDayRollup>
{
    public void Configure(EntityTypeBuilder<CostUserDayRollup> b)
    {
        b.ToTable("cost_rollup_user_days");
        b.HasKey(e => new { e.WorkspaceId, e.PeriodStart, e.UserId });
        b.HasTotals();
    }
}

public class CostWorkspaceDayRollupConfiguration : IEntityTypeConfiguration<CostWorkspaceDayRollup>
{
    public void Configure(EntityTypeBuilder<CostWorkspaceDayRollup> b)
    {
        // Day first: the admin console reads every workspace's rows of a date range; budgets read one workspace's
        // rows since a period start through the second index.
        b.ToTable("cost_rollup_workspace_days");
        b.HasKey(e => new { e.PeriodStart, e.WorkspaceId });
        b.HasIndex(e => new { e.WorkspaceId, e.PeriodStart }).IncludeProperties(e => e.CostUsd);
        b.HasTotals();
    }
}

public class CostPlatformDayRollupConfiguration : IEntityTypeConfiguration<CostPlatformDayRollup>
{
    public void Configure(EntityTypeBuilder<CostPlatformDayRollup> b)
    {
        b.ToTable("cost_rollup_platform_days");
        b.HasKey(e => new { e.PeriodStart, e.Service, e.Provider, e.Model });
        b.Property(e => e.Service).HasMaxLength(20);
        b.Property(e => e.Provider).HasMaxLength(60);
        b.Property(e => e.Model).HasMaxLength(120);
        b.HasTotals();
    }
}

public class ChatCostTotalConfiguration : IEntityTypeConfiguration<ChatCostTotal>
{
    public void Configure(EntityTypeBuilder<ChatCostTotal> b)
    {
        b.ToTable("cost_chat_totals");
        b.HasKey(e => new { e.WorkspaceId, e.ChatId });
        b.HasIndex(e => new { e.WorkspaceId, e.LastAt });
        b.HasTotals();
    }
}

public class BudgetConfiguration : IEntityTypeConfiguration<Budget>
{
    public void Configure(EntityTypeBuilder<Budget> b)
    {
        b.IsWorkspaceScoped("budgets");
        b.HasIndex(e => e.WorkspaceId).IsUnique();
        b.Property(e => e.MonthlyLimitUsd).HasPrecision(18, 6);
        b.Property(e => e.WeeklyLimitUsd).HasPrecision(18, 6);
        b.Property(e => e.DailyLimitUsd).HasPrecision(18, 6);
    }
}

public class BudgetLedgerConfiguration : IEntityTypeConfiguration<BudgetLedger>
{
    public void Configure(EntityTypeBuilder<BudgetLedger> b)
    {
        b.IsWorkspaceScoped("budget_ledgers");
        b.Property(e => e.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(e => e.Period).HasMaxLength(8);
        b.Property(e => e.SpentUsd).HasPrecision(18, 6);
        b.Property(e => e.ReservedUsd).HasPrecision(18, 6);
        b.HasIndex(e => new { e.WorkspaceId, e.Period, e.PeriodStart }).IsUnique();
    }
}

public class BudgetAlertConfiguration : IEntityTypeConfiguration<BudgetAlert>
{
    public void Configure(EntityTypeBuilder<BudgetAlert> b)
    {
        b.IsWorkspaceScoped("budget_alerts");
        b.Property(e => e.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(e => e.Period).HasMaxLength(8);
        b.Property(e => e.Severity).HasMaxLength(10);
        b.Property(e => e.LimitUsd).HasPrecision(18, 6);
        b.Property(e => e.SpendUsd).HasPrecision(18, 6);
        b.HasIndex(e => new { e.WorkspaceId, e.Period, e.PeriodStart, e.ThresholdPercent }).IsUnique();
        b.HasIndex(e => new { e.WorkspaceId, e.Resolved });
        b.HasIndex(e => e.TriggeredAt);
    }
}

public class RateLimitConfiguration : IEntityTypeConfiguration<RateLimit>
{
    public void Configure(EntityTypeBuilder<RateLimit> b)
    {
        b.IsWorkspaceScoped("rate_limits");
        b.Property(e => e.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(e => e.Tier).HasMaxLength(20);
        b.Property(e => e.VisitorId).HasMaxLength(64);
        b.HasIndex(e => new { e.WorkspaceId, e.UserId, e.VisitorId, e.PeriodStart })
            .IsUnique().AreNullsDistinct(false).HasDatabaseName("ux_rate_limits_subject_period");
    }
}

public class UsageLogConfiguration : IEntityTypeConfiguration<UsageLog>
{
    public void Configure(EntityTypeBuilder<UsageLog> b)
    {
        // Partitioned by month of created_at (migration CostRollupGrains): the key must contain the partition key.
        b.IsWorkspaceScoped("usage_logs");
        b.HasKey(e => new { e.WorkspaceId, e.Id, e.CreatedAt });
        b.Property(e => e.UsageType).HasMaxLength(30);
        b.Property(e => e.Model).HasMaxLength(120);
        b.Property(e => e.VisitorId).HasMaxLength(64);
        b.HasIndex(e => new { e.WorkspaceId, e.UserId, e.CreatedAt });
        b.HasIndex(e => new { e.WorkspaceId, e.UsageType, e.CreatedAt });
    }
}
