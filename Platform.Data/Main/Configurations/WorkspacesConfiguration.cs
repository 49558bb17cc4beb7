using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Data.Main.Entities;

namespace Platform.Data.Main.Configurations;

public class WorkspaceProviderKeyConfiguration : IEntityTypeConfiguration<WorkspaceProviderKey>
{
    public void Configure(EntityTypeBuilder<WorkspaceProviderKey> b)
    {
        b.IsWorkspaceScoped("workspace_provider_keys");
        b.Property(k => k.Name).HasMaxLength(80);
        b.Property(k => k.BaseUrl).HasMaxLength(400);
        b.Property(k => k.KeyHint).HasMaxLength(40);
        b.Property(k => k.ChatModel).HasMaxLength(120);
        b.Property(k => k.EmbeddingModel).HasMaxLength(120);
        b.Property(k => k.LastTestResult).HasMaxLength(500);
        b.HasIndex(k => new { k.WorkspaceId, k.Name }).IsUnique();
        // One active provider per workspace: the settings provider never has to choose.
        b.HasIndex(k => k.WorkspaceId).IsUnique().HasFilter("is_active").HasDatabaseName("ix_workspace_provider_keys_one_active");
    }
}
