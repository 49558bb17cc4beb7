using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Platform.Data.Tenancy;
using Platform.Data.Tenant.Entities;

namespace Platform.Data.Tenant;

/// <summary>
/// Application data of one workspace (chats, messages, documents, chunks, personalities…). Maps no system table,
/// so system data cannot be reached through a tenant store. An instance is bound to one workspace for its life;
/// get one from <see cref="TenantDbFactory"/>.
/// </summary>
/// <remarks>
/// New migration: <c>dotnet ef migrations add &lt;Name&gt; -p Platform.Data -s Platform.Data -c TenantDbContext -o Tenant/Migrations</c>
/// </remarks>
public class TenantDbContext(DbContextOptions<TenantDbContext> options) : DbContext(options), ISessionBoundContext
{
    public DbSession Session { get; internal set; } = DbSession.None;

    /// <summary>The workspace this context is bound to.</summary>
    public Guid WorkspaceId => Session.WorkspaceId ?? Guid.Empty;

    public DbSet<Chat> Chats => Set<Chat>();
    public DbSet<Message> Messages => Set<Message>();
    public DbSet<Document> Documents => Set<Document>();
    public DbSet<DocumentFile> DocumentFiles => Set<DocumentFile>();
    public DbSet<DocumentChunk> DocumentChunks => Set<DocumentChunk>();
    public DbSet<AiPersonality> AiPersonalities => Set<AiPersonality>();
    public DbSet<MessageVote> MessageVotes => Set<MessageVote>();
    public DbSet<MessageSuggestion> MessageSuggestions => Set<MessageSuggestion>();
    public DbSet<GenerationStream> GenerationStreams => Set<GenerationStream>();
    public DbSet<GitSource> GitSources => Set<GitSource>();
    public DbSet<GitSyncRun> GitSyncRuns => Set<GitSyncRun>();

    /// <summary>Commits the unit of work opened by <see cref="TenantDbFactory.OpenAsync"/>.</summary>
    public async Task CommitAsync(CancellationToken ct = default)
    {
        await SaveChangesAsync(ct);
        if (Database.CurrentTransaction is { } tx) await tx.CommitAsync(ct);
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        builder.HasDefaultSchema(RowLevelSecurity.TenantSchema);
        builder.HasPostgresExtension("vector");
        builder.ApplyConfigurationsFromAssembly(typeof(TenantDbContext).Assembly,
            t => t.Namespace == typeof(Configurations.ChatConfiguration).Namespace);
        FilterByWorkspace(builder);
    }

    /// <summary>
    /// The second layer under row-level security: every query of every tenant entity is limited to this context's
    /// workspace by the application itself, so a role that bypasses RLS (a superuser or BYPASSRLS role on a
    /// workspace's own database) or a dropped policy still cannot show one workspace another's rows. The filter
    /// reads <see cref="WorkspaceId"/> of the context running the query (EF binds it as a parameter per context),
    /// so the model is built once and shared. A context without a workspace matches no row, like RLS.
    /// Nothing in the app reads across workspaces in a tenant store: background work visits one workspace at a
    /// time (Hosting/EveryWorkspace), so there is no IgnoreQueryFilters() anywhere and there should not be.
    /// </summary>
    private void FilterByWorkspace(ModelBuilder builder)
    {
        var context = Expression.Constant(this);
        foreach (var type in builder.Model.GetEntityTypes().Where(t => t.BaseType is null && typeof(TenantEntity).IsAssignableFrom(t.ClrType)))
        {
            var row = Expression.Parameter(type.ClrType, "row");
            var sameWorkspace = Expression.Equal(
                Expression.Property(row, nameof(TenantEntity.WorkspaceId)),
                Expression.Property(context, nameof(WorkspaceId)));
            builder.Entity(type.ClrType).HasQueryFilter(Expression.Lambda(sameWorkspace, row));
        }
    }

    /// <summary>Saves rows of this context's workspace only (<see cref="StampAndCheckWorkspace"/>).</summary>
    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken ct = default)
    {
        StampAndCheckWorkspace();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, ct);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        StampAndCheckWorkspace();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    /// <summary>New rows without a workspace get this context's; a row of any other workspace (or any write at all
    /// from a context bound to none) is a bug and stops the save before anything is sent, RLS or not.</summary>
    private void StampAndCheckWorkspace()
    {
        foreach (var entry in ChangeTracker.Entries<TenantEntity>())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted)) continue;
            if (entry.State == EntityState.Added && entry.Entity.WorkspaceId == Guid.Empty) entry.Entity.WorkspaceId = WorkspaceId;
            if (Session.WorkspaceId is null || entry.Entity.WorkspaceId != WorkspaceId)
                throw new CrossWorkspaceWriteException(
                    $"{entry.State} of a {entry.Metadata.ClrType.Name} of workspace {entry.Entity.WorkspaceId} through a unit of work " +
                    (Session.WorkspaceId is null ? "bound to no workspace." : $"of workspace {WorkspaceId}."));
        }
    }
}
