using Microsoft.AspNetCore.Identity;

namespace Platform.Data.Main.Entities;

/// <summary>A person who can sign in. Identity's columns plus what the platform needs to know about them.</summary>
public class AppUser : IdentityUser<Guid>
{
    public string? DisplayName { get; set; }

    /// <summary>Runs the whole platform from the admin console.</summary>
    public bool IsPlatformAdmin { get; set; }

    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;
}

public class AppRole : IdentityRole<Guid>
{
}
