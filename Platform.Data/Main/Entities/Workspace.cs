namespace Platform.Data.Main.Entities;

/// <summary>A team's space. The directory of workspaces is system data: it carries no workspace_id of its own.</summary>
public class Workspace
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public required string Name { get; set; }

    /// <summary>URL name, unique across the platform: /w/{slug}/…</summary>
    public required string Slug { get; set; }

    public WorkspacePlan Plan { get; set; } = WorkspacePlan.Free;

    /// <summary>Where the workspace's application data lives.</summary>
    public DataPlacement DataPlacement { get; set; } = DataPlacement.Platform;

    public WorkspaceStatus Status { get; set; } = WorkspaceStatus.Active;

    /// <summary>Free-form settings (jsonb): defaults for models, onboarding progress, UI choices.</summary>
    public string Settings { get; set; } = "{}";

    public Guid? CreatedByUserId { get; set; }
    public DateTimeOffset CreatedAt { get; set; } = DateTimeOffset.UtcNow;

    /// <summary>When set, members enter the workspace only when signed in through this single sign-on provider
    /// (its scheme name from <c>Authentication:Oidc:&lt;name&gt;</c>). Null: any way of signing in.</summary>
    public string? RequiredSignInProvider { get; set; }

    /// <summary>Onboarding wizard steps completed so far (resumes at this index).</summary>
    public int OnboardingStep { get; set; }

    /// <summary>Null while the creator is still in the onboarding wizard.</summary>
    public DateTimeOffset? OnboardingCompletedAt { get; set; }
}

public enum WorkspacePlan { Free, Pro, Enterprise }

/// <summary>Platform = the platform's database (local mode: the main database; hosted mode: the default tenant
/// database). OwnDatabase = the PostgreSQL database configured in workspace_apps.</summary>
public enum DataPlacement { Platform, OwnDatabase }

public enum WorkspaceStatus { Active, Suspended, Deleting }
