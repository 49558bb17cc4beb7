using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Data.Main.Entities;

namespace Platform.Data.Main.Configurations;

public class UserPreferencesConfiguration : IEntityTypeConfiguration<UserPreferences>
{
    public void Configure(EntityTypeBuilder<UserPreferences> b)
    {
        b.ToTable("user_preferences");
        b.HasKey(p => p.UserId);
        b.HasOne<AppUser>().WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
        b.Property(p => p.DefaultModel).HasMaxLength(200);
        b.Property(p => p.CustomInstructions).HasMaxLength(4000);
        b.Property(p => p.Theme).HasMaxLength(10);
    }
}
