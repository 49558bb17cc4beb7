using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Data.Main.Entities;

namespace Platform.Data.Main.Configurations;

public class AuditLogConfiguration : IEntityTypeConfiguration<AuditLogEntry>
{
    public void Configure(EntityTypeBuilder<AuditLogEntry> b)
    {
        // No foreign key to workspaces: the trail outlives a deleted workspace.
        b.ToTable("audit_log");
        b.Property(a => a.Id).UseIdentityAlwaysColumn();
        b.Property(a => a.Action).HasMaxLength(80);
        b.Property(a => a.Details).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
        b.HasIndex(a => new { a.WorkspaceId, a.CreatedAt });
        b.HasIndex(a => a.CreatedAt);
        // The admin console's audit viewer filters by user and by action.
        b.HasIndex(a => new { a.UserId, a.CreatedAt });
        b.HasIndex(a => new { a.Action, a.CreatedAt });
    }
}

public class OutboxEmailConfiguration : IEntityTypeConfiguration<OutboxEmail>
{
    public void Configure(EntityTypeBuilder<OutboxEmail> b)
    {
        b.ToTable("email_outbox");
        b.HasIndex(e => new { e.To, e.CreatedAt });
        // Stored as lower-case text: the delivery worker's claim query names the values in SQL.
        b.Property(e => e.Status).HasConversion(v => v.ToString().ToLowerInvariant(),
            v => Enum.Parse<OutboxEmailStatus>(v, true)).HasMaxLength(16);
        b.Property(e => e.FailureReason).HasMaxLength(500);
        // The delivery worker's "what is due" query.
        b.HasIndex(e => new { e.Status, e.NextAttemptAt });
    }
}

public class PlatformStateConfiguration : IEntityTypeConfiguration<PlatformState>
{
    public void Configure(EntityTypeBuilder<PlatformState> b)
    {
        b.ToTable("platform_state");
        b.HasKey(s => s.Key);
    }
}
