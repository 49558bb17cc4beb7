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
    }

    /// <summary>Rows added through this context belong to its workspace, whatever the caller set.</summary>
    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken ct = default)
    {
        foreach (var entry in ChangeTracker.Entries<TenantEntity>())
            if (entry.State == EntityState.Added && entry.Entity.WorkspaceId == Guid.Empty)
                entry.Entity.WorkspaceId = WorkspaceId;
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, ct);
    }
}
