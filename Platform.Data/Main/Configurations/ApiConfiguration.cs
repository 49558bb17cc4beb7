using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Data.Main.Entities;

namespace Platform.Data.Main.Configurations;

public class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.IsWorkspaceScoped("api_keys");
        b.Property(k => k.Name).HasMaxLength(80);
        b.Property(k => k.Prefix).HasMaxLength(24);
        b.Property(k => k.KeyHash).HasMaxLength(64);
        // A request finds its key by (workspace from the key, hash): one index lookup.
        b.HasIndex(k => new { k.WorkspaceId, k.KeyHash }).IsUnique();
        b.HasOne<AppUser>().WithMany().HasForeignKey(k => k.CreatedByUserId).OnDelete(DeleteBehavior.Cascade);
    }
}

public class ApiIdempotencyRecordConfiguration : IEntityTypeConfiguration<ApiIdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<ApiIdempotencyRecord> b)
    {
        b.IsWorkspaceScoped("api_idempotency_records");
        b.Property(r => r.IdempotencyKey).HasMaxLength(200);
        b.Property(r => r.RequestHash).HasMaxLength(64);
        b.Property(r => r.Location).HasMaxLength(300);
        b.HasIndex(r => new { r.WorkspaceId, r.ApiKeyId, r.IdempotencyKey }).IsUnique();
        b.HasIndex(r => r.CreatedAt);
        b.HasOne<ApiKey>().WithMany().HasForeignKey(r => new { r.WorkspaceId, r.ApiKeyId }).OnDelete(DeleteBehavior.Cascade);
    }
}
