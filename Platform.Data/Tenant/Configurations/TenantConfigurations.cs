using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Data.Tenant.Entities;

namespace Platform.Data.Tenant.Configurations;

internal static class TenantEntityExtensions
{
    public static void IsTenantEntity<T>(this EntityTypeBuilder<T> b, string table) where T : TenantEntity
    {
        b.ToTable(table);
        b.HasKey(e => new { e.WorkspaceId, e.Id });
    }
}

public class DocumentConfiguration : IEntityTypeConfiguration<Document>
{
    public void Configure(EntityTypeBuilder<Document> b)
    {
        b.IsTenantEntity("documents");
        b.Property(d => d.Title).HasMaxLength(300);
        b.Property(d => d.Status).HasMaxLength(20);
        b.Property(d => d.ContentHash).HasMaxLength(64);
        b.Property(d => d.Category).HasMaxLength(100);
        b.Property(d => d.EmbeddingModel).HasMaxLength(200);
        b.HasIndex(d => new { d.WorkspaceId, d.ContentHash });
        b.HasIndex(d => new { d.WorkspaceId, d.Status });
        b.Property(d => d.SourcePath).HasMaxLength(1000);
        // Removing a source deletes or detaches its documents first (the user chooses), so no cascade here.
        b.HasOne<GitSource>().WithMany().HasForeignKey(d => new { d.WorkspaceId, d.GitSourceId }).OnDelete(DeleteBehavior.Restrict);
        b.HasIndex(d => new { d.WorkspaceId, d.GitSourceId, d.SourcePath }).IsUnique();
    }
}

public class DocumentFileConfiguration : IEntityTypeConfiguration<DocumentFile>
{
    public void Configure(EntityTypeBuilder<DocumentFile> b)
    {
        b.IsTenantEntity("document_files");
        b.HasOne<Document>().WithMany().HasForeignKey(f => new { f.WorkspaceId, f.DocumentId })
            .OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(f => new { f.WorkspaceId, f.DocumentId }).IsUnique();
    }
}

public class DocumentChunkConfiguration : IEntityTypeConfiguration<DocumentChunk>
{
    public void Configure(EntityTypeBuilder<DocumentChunk> b)
    {
        b.IsTenantEntity("document_chunks");
        b.HasOne(c => c.Document).WithMany(d => d.Chunks).HasForeignKey(c => new { c.WorkspaceId, c.DocumentId })
            .OnDelete(DeleteBehavior.Cascade);
        b.Property(c => c.Embedding).HasColumnType($"vector({DocumentChunk.EmbeddingDimensions})");
        b.Property(c => c.EmbeddingModel).HasMaxLength(200);
        b.HasIndex(c => new { c.WorkspaceId, c.DocumentId, c.Position }).IsUnique();
        // The HNSW index, the keyword-search table and its trigger are custom SQL in the Documents migration.
    }
}

public class AiPersonalityConfiguration : IEntityTypeConfiguration<AiPersonality>
{
    public void Configure(EntityTypeBuilder<AiPersonality> b)
    {
        b.IsTenantEntity("ai_personalities");
        b.Property(p => p.Name).HasMaxLength(100);
        b.HasIndex(p => new { p.WorkspaceId, p.Name }).IsUnique();
    }
}
