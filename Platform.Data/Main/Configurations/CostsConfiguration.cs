using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Data.Main.Entities;

namespace Platform.Data.Main.Configurations;

/// <summary>Billing tables: cost events are kept without a foreign key to the workspace (the bill outlives it).</summary>
public class CostEventConfiguration : IEntityTypeConfiguration<CostEvent>
{
    public void Configure(EntityTypeBuilder<CostEvent> b)
    {
        b.ToTable("cost_events");
        b.HasKey(e => new { e.WorkspaceId, e.Id });
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

public class CostSummaryConfiguration : IEntityTypeConfiguration<CostSummary>
{
    public void Configure(EntityTypeBuilder<CostSummary> b)
    {
        b.ToTable("cost_summaries");
        b.HasKey(e => new { e.WorkspaceId, e.Id });
        b.Property(e => e.Id).HasDefaultValueSql("gen_random_uuid()");
        b.Property(e => e.Granularity).HasMaxLength(10);
        b.Property(e => e.Service).HasMaxLength(20);
        b.Property(e => e.Provider).HasMaxLength(60);
        b.Property(e => e.Model).HasMaxLength(120);
        b.Property(e => e.CostUsd).HasPrecision(18, 6);
        // The rollup's upsert key. NULLS NOT DISTINCT: "no user" is one bucket, not one per event.
        b.HasIndex(e => new { e.WorkspaceId, e.Granularity, e.PeriodStart, e.Service, e.Provider, e.Model, e.UserId, e.ChatId })
            .IsUnique().AreNullsDistinct(false).HasDatabaseName("ux_cost_summaries_bucket");
        // Admin view: every workspace's day rows in a date range, answered from the index alone.
        b.HasIndex(e => new { e.Granularity, e.PeriodStart })
            .IncludeProperties(e => new { e.WorkspaceId, e.Service, e.Provider, e.Model, e.EventCount, e.InputTokens, e.OutputTokens, e.CostUsd });
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
        b.IsWorkspaceScoped("usage_logs");
        b.Property(e => e.UsageType).HasMaxLength(30);
        b.Property(e => e.Model).HasMaxLength(120);
        b.Property(e => e.VisitorId).HasMaxLength(64);
        b.HasIndex(e => new { e.WorkspaceId, e.UserId, e.CreatedAt });
        b.HasIndex(e => new { e.WorkspaceId, e.UsageType, e.CreatedAt });
    }
}
