namespace Platform.Data.Main.Entities;

/// <summary>Base of every workspace-scoped system row: composite key (workspace_id, id), RLS by workspace.</summary>
public abstract class WorkspaceScoped
{
    public Guid WorkspaceId { get; set; }
    public Guid Id { get; set; } = Guid.CreateVersion7();
}

public static class BuiltInRoles
{
    public const string Owner = "owner";
    public const string Admin = "admin";
    public const string Member = "member";
    public static readonly string[] All = [Owner, Admin, Member];
}

public class WorkspaceMember : WorkspaceScoped
{
    public Guid UserId { get; set; }

    /// <summary>owner, admin or member (<see cref="BuiltInRoles"/>).</summary>
    public string Role { get; set; } = BuiltInRoles.Member;

    /// <summary>An optional custom role adding named permissions on top of <see cref="Role"/>.</summary>
    public Guid? WorkspaceRoleId { get; set; }

    public DateTimeOffset JoinedAt { get; set; } = DateTimeOffset.UtcNow;
}

public class WorkspaceInvite : WorkspaceScoped
{
    public required string Email { get; set; }
    public string Role { get; set; } = BuiltInRoles.Member;

    /// <summary>SHA-256 of the single-use token; the token itself exists only in the link sent out.</summary>
    public required string TokenHash { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
    public Guid? CreatedByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? AcceptedAt { get; set; }
    public Guid? AcceptedByUserId { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}

/// <summary>A workspace-defined role with named permissions (see Workspaces feature for the list the app checks).</summary>
public class WorkspaceRole : WorkspaceScoped
{
    public required string Name { get; set; }
    public string[] Permissions { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}

public class Team : WorkspaceScoped
{
    public required string Name { get; set; }
    public string? Description { get; set; }
    /// <summary>A custom role whose permissions every member of the team gets, on top of their own.</summary>
    public Guid? WorkspaceRoleId { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}

public class TeamMember : WorkspaceScoped
{
    public Guid TeamId { get; set; }
    public Guid UserId { get; set; }
    public DateTimeOffset AddedAt { get; set; } = DateTimeOffset.UtcNow;
}
