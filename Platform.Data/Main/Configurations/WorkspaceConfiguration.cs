using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Data.Main.Entities;

namespace Platform.Data.Main.Configurations;

public class WorkspaceConfiguration : IEntityTypeConfiguration<Workspace>
{
    public void Configure(EntityTypeBuilder<Workspace> b)
    {
        b.ToTable("workspaces");
        b.Property(w => w.Name).HasMaxLength(100);
        b.Property(w => w.Slug).HasMaxLength(48);
        b.HasIndex(w => w.Slug).IsUnique();
        b.Property(w => w.Plan).HasConversion<string>().HasMaxLength(20);
        b.Property(w => w.DataPlacement).HasConversion<string>().HasMaxLength(20);
        b.Property(w => w.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(w => w.RequiredSignInProvider).HasMaxLength(64);
        b.Property(w => w.Settings).HasColumnType("jsonb").HasDefaultValueSql("'{}'::jsonb");
    }
}
