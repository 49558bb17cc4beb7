using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;

namespace Platform.Data.Main;

/// <summary>
/// System data: Identity, workspaces and their membership, own-database connections, audit log, outbox,
/// Data Protection keys (and, as they arrive, billing). Never maps an application (tenant) table.
/// </summary>
/// <remarks>
/// New migration: <c>dotnet ef migrations add &lt;Name&gt; -p Platform.Data -s Platform.Data -c MainDbContext -o Main/Migrations</c>
/// </remarks>
public class MainDbContext(DbContextOptions<MainDbContext> options)
    : IdentityDbContext<AppUser, AppRole, Guid>(options), IDataProtectionKeyContext, ISessionBoundContext
{
    /// <summary>Bound once at creation by <see cref="MainDbFactory"/>; Identity's own scoped context keeps None.</summary>
    public DbSession Session { get; internal set; } = DbSession.None;

    public DbSet<Workspace> Workspaces => Set<Workspace>();
    public DbSet<WorkspaceMember> WorkspaceMembers => Set<WorkspaceMember>();
    public DbSet<WorkspaceInvite> WorkspaceInvites => Set<WorkspaceInvite>();
    public DbSet<WorkspaceRole> WorkspaceRoles => Set<WorkspaceRole>();
    public DbSet<Team> Teams => Set<Team>();
    public DbSet<TeamMember> TeamMembers => Set<TeamMember>();
    public DbSet<WorkspaceApp> WorkspaceApps => Set<WorkspaceApp>();
    public DbSet<WorkspaceProviderKey> WorkspaceProviderKeys => Set<WorkspaceProviderKey>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<ApiIdempotencyRecord> ApiIdempotencyRecords => Set<ApiIdempotencyRecord>();
    public DbSet<AuditLogEntry> AuditLog => Set<AuditLogEntry>();
    public DbSet<OutboxEmail> OutboxEmails => Set<OutboxEmail>();
    public DbSet<PlatformState> PlatformState => Set<PlatformState>();
    public DbSet<UserPreferences> UserPreferences => Set<UserPreferences>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    // Billing (Features/Costs): kept on the platform's side even for workspaces with their own database.
    public DbSet<CostEvent> CostEvents => Set<CostEvent>();
    public DbSet<CostHourRollup> CostHourRollups => Set<CostHourRollup>();
    public DbSet<CostDayRollup> CostDayRollups => Set<CostDayRollup>();
    public DbSet<CostUserDayRollup> CostUserDayRollups => Set<CostUserDayRollup>();
    public DbSet<CostWorkspaceDayRollup> CostWorkspaceDayRollups => Set<CostWorkspaceDayRollup>();
    public DbSet<CostPlatformDayRollup> CostPlatformDayRollups => Set<CostPlatformDayRollup>();
    public DbSet<ChatCostTotal> ChatCostTotals => Set<ChatCostTotal>();
    public DbSet<Budget> Budgets => Set<Budget>();
    public DbSet<BudgetLedger> BudgetLedgers => Set<BudgetLedger>();
    public DbSet<BudgetAlert> BudgetAlerts => Set<BudgetAlert>();
    public DbSet<RateLimit> RateLimits => Set<RateLimit>();
    public DbSet<UsageLog> UsageLogs => Set<UsageLog>();

    /// <summary>Commits the unit of work opened by <see cref="MainDbFactory.OpenAsync"/> (the main side's twin of
    /// <c>TenantDbContext.CommitAsync</c>): writes <paramref name="audit"/> when given, saves, commits — the audit entry
    /// lands in the same transaction as the change it describes, or neither does.</summary>
    public async Task CommitAsync(AuditLogEntry? audit = null, CancellationToken ct = default)
    {
        if (audit is not null) AuditLog.Add(audit);
        await SaveChangesAsync(ct);
        if (Database.CurrentTransaction is { } tx) await tx.CommitAsync(ct);
    }

    /// <summary>Saves and commits the unit of work (no audit entry).</summary>
    public Task CommitAsync(CancellationToken ct) => CommitAsync(null, ct);

    protected override void OnModelCreating(ModelBuilder builder)
    {
        builder.HasDefaultSchema(RowLevelSecurity.MainSchema);
        base.OnModelCreating(builder);
        builder.Entity<AppUser>().ToTable("users");
        builder.Entity<AppRole>().ToTable("roles");
        builder.Entity<IdentityUserRole<Guid>>().ToTable("user_roles");
        builder.Entity<IdentityUserLogin<Guid>>().ToTable("user_logins");
        builder.Entity<IdentityUserToken<Guid>>().ToTable("user_tokens");
        builder.Entity<IdentityUserClaim<Guid>>().ToTable("user_claims");
        builder.Entity<IdentityRoleClaim<Guid>>().ToTable("role_claims");
        builder.Entity<IdentityUserPasskey<Guid>>().ToTable("user_passkeys");
        builder.Entity<DataProtectionKey>().ToTable("data_protection_keys");
        builder.ApplyConfigurationsFromAssembly(typeof(MainDbContext).Assembly,
            t => t.Namespace == typeof(Configurations.WorkspaceConfiguration).Namespace);
    }
}
