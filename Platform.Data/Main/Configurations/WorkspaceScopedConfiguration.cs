using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Platform.Data.Main.Entities;

namespace Platform.Data.Main.Configurations;

/// <summary>Composite key (workspace_id, id) and a cascade to the owning workspace for every scoped system row.</summary>
internal static class WorkspaceScopedExtensions
{
    public static void IsWorkspaceScoped<T>(this EntityTypeBuilder<T> b, string table) where T : WorkspaceScoped
    {
        b.ToTable(table);
        b.HasKey(e => new { e.WorkspaceId, e.Id });
        b.HasOne<Workspace>().WithMany().HasForeignKey(e => e.WorkspaceId).OnDelete(DeleteBehavior.Cascade);
    }
}

public class WorkspaceMemberConfiguration : IEntityTypeConfiguration<WorkspaceMember>
{
    public void Configure(EntityTypeBuilder<WorkspaceMember> b)
    {
        b.IsWorkspaceScoped("workspace_members");
        b.HasIndex(m => new { m.WorkspaceId, m.UserId }).IsUnique();
        b.HasIndex(m => m.UserId);
        b.Property(m => m.Role).HasMaxLength(20);
        b.HasOne<AppUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<WorkspaceRole>().WithMany().HasForeignKey(m => new { m.WorkspaceId, m.WorkspaceRoleId })
            .OnDelete(DeleteBehavior.Restrict);
    }
}

public class WorkspaceInviteConfiguration : IEntityTypeConfiguration<WorkspaceInvite>
{
    public void Configure(EntityTypeBuilder<WorkspaceInvite> b)
    {
        b.IsWorkspaceScoped("workspace_invites");
        b.Property(i => i.Email).HasMaxLength(256);
        b.Property(i => i.Role).HasMaxLength(20);
        b.Property(i => i.TokenHash).HasMaxLength(64);
        b.HasIndex(i => new { i.WorkspaceId, i.TokenHash }).IsUnique();
    }
}

public class WorkspaceRoleConfiguration : IEntityTypeConfiguration<WorkspaceRole>
{
    public void Configure(EntityTypeBuilder<WorkspaceRole> b)
    {
        b.IsWorkspaceScoped("workspace_roles");
        b.Property(r => r.Name).HasMaxLength(60);
        b.HasIndex(r => new { r.WorkspaceId, r.Name }).IsUnique();
    }
}

public class TeamConfiguration : IEntityTypeConfiguration<Team>
{
    public void Configure(EntityTypeBuilder<Team> b)
    {
        b.IsWorkspaceScoped("teams");
        b.Property(t => t.Name).HasMaxLength(80);
        b.HasIndex(t => new { t.WorkspaceId, t.Name }).IsUnique();
        // Restrict, like a member's role: deleting a role first clears it from teams (WorkspaceRolesService).
        b.HasOne<WorkspaceRole>().WithMany().HasForeignKey(t => new { t.WorkspaceId, t.WorkspaceRoleId })
            .OnDelete(DeleteBehavior.Restrict);
    }
}

public class TeamMemberConfiguration : IEntityTypeConfiguration<TeamMember>
{
    public void Configure(EntityTypeBuilder<TeamMember> b)
    {
        b.IsWorkspaceScoped("team_members");
        b.HasIndex(m => new { m.WorkspaceId, m.TeamId, m.UserId }).IsUnique();
        b.HasOne<Team>().WithMany().HasForeignKey(m => new { m.WorkspaceId, m.TeamId }).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<AppUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

public class WorkspaceAppConfiguration : IEntityTypeConfiguration<WorkspaceApp>
{
    public void Configure(EntityTypeBuilder<WorkspaceApp> b)
    {
        b.IsWorkspaceScoped("workspace_apps");
        b.Property(a => a.Status).HasConversion<string>().HasMaxLength(20);
        b.Property(a => a.Name).HasMaxLength(100);
        b.Property(a => a.ConnectionHint).HasMaxLength(300);
    }
}
