using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Data.Tenant.Entities;

namespace Platform.Data.Tenant.Configurations;

public class GitSourceConfiguration : IEntityTypeConfiguration<GitSource>
{
    public void Configure(EntityTypeBuilder<GitSource> b)
    {
        b.IsTenantEntity("git_sources");
        b.Property(s => s.Repository).HasMaxLength(2000);
        b.Property(s => s.Name).HasMaxLength(100);
        b.Property(s => s.Branch).HasMaxLength(250);
        b.Property(s => s.ResolvedBranch).HasMaxLength(250);
        b.Property(s => s.SubFolder).HasMaxLength(500);
        b.Property(s => s.Status).HasMaxLength(20);
        b.Property(s => s.NextTrigger).HasMaxLength(20);
        b.Property(s => s.LastCommit).HasMaxLength(64);
        // The worker looks for queued or stale syncing sources per workspace.
        b.HasIndex(s => new { s.WorkspaceId, s.Status });
    }
}

public class GitSyncRunConfiguration : IEntityTypeConfiguration<GitSyncRun>
{
    public void Configure(EntityTypeBuilder<GitSyncRun> b)
    {
        b.IsTenantEntity("git_sync_runs");
        b.HasOne<GitSource>().WithMany().HasForeignKey(r => new { r.WorkspaceId, r.SourceId }).OnDelete(DeleteBehavior.Cascade);
        b.Property(r => r.Status).HasMaxLength(20);
        b.Property(r => r.Trigger).HasMaxLength(20);
        b.Property(r => r.Commit).HasMaxLength(64);
        b.HasIndex(r => new { r.WorkspaceId, r.SourceId, r.StartedAt });
    }
}
