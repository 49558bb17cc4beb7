using Microsoft.EntityFrameworkCore;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Data.Tenant.Entities;
using Platform.Web.Features.Workspaces;

namespace Platform.Web.Features.Onboarding;

/// <summary>Wizard steps, in order. The workspace row stores how many are done.</summary>
public enum OnboardingStep { Workspace = 0, Data = 1, Ai = 2, Invites = 3, Knowledge = 4 }

public sealed record OnboardingState(Guid WorkspaceId, string Name, string Slug, int StepsDone, DataPlacement Placement,
    bool Finished);

/// <summary>
/// The onboarding wizard's persistence: the workspace is created by step 1, and each later step is recorded as
/// it completes, so leaving and coming back resumes at the first unfinished step. Only the workspace's owners
/// drive it.
/// </summary>
public sealed class OnboardingService(
    MainDbFactory main, TenantDbFactory tenants, WorkspaceProvisioning provisioning, WorkspaceLifecycle lifecycle,
    WorkspacePermissions permissions)
{
    public const int StepCount = 5;

    /// <summary>Workspaces this user started and has not finished setting up (newest first).</summary>
    public async Task<IReadOnlyList<OnboardingState>> UnfinishedAsync(Guid userId, CancellationToken ct = default)
    {
        await using var db = await main.OpenAsync(DbSession.ForUser(userId), ct);
        return await (from m in db.WorkspaceMembers
                      join w in db.Workspaces on m.WorkspaceId equals w.Id
                      where m.UserId == userId && m.Role == BuiltInRoles.Owner && w.OnboardingCompletedAt == null
                            && w.Status == WorkspaceStatus.Active
                      orderby w.CreatedAt descending
                      select new OnboardingState(w.Id, w.Name, w.Slug, w.OnboardingStep, w.DataPlacement, false)).ToListAsync(ct);
    }

    public async Task<OnboardingState?> LoadAsync(Guid workspaceId, Guid userId, CancellationToken ct = default)
    {
        var grant = await permissions.GetAsync(workspaceId, userId, ct);
        if (grant is null || !grant.IsOwner) return null;
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, userId), ct);
        return await db.Workspaces.Where(w => w.Id == workspaceId)
            .Select(w => new OnboardingState(w.Id, w.Name, w.Slug, w.OnboardingStep, w.DataPlacement, w.OnboardingCompletedAt != null))
            .SingleOrDefaultAsync(ct);
    }

    /// <summary>Null when the slug can be used, else why not (for live validation while typing).</summary>
    public async Task<string?> CheckSlugAsync(string slug, Guid? ownWorkspaceId = null, CancellationToken ct = default)
    {
        if (WorkspaceLifecycle.SlugProblem(slug) is { } problem) return problem;
        await using var db = main.Create(DbSession.None);
        return await db.Workspaces.AnyAsync(w => w.Slug == slug && w.Id != ownWorkspaceId, ct) ? $"/w/{slug} is taken." : null;
    }

    /// <summary>An address for a name that is free right now: "Acme" → acme, or acme-2, acme-3 … when taken (or
    /// reserved). Only a suggestion: the save checks again. A name that makes no valid address is returned as is,
    /// so the live check explains why.</summary>
    public async Task<string> SuggestFreeSlugAsync(string name, Guid? ownWorkspaceId = null, CancellationToken ct = default)
    {
        var slug = WorkspaceLifecycle.SuggestSlug(name);
        if (slug.Length == 0 || !WorkspaceLifecycle.SlugPattern().IsMatch(slug)) return slug;
        await using var db = main.Create(DbSession.None);
        var prefix = slug + "-";
        var taken = (await db.Workspaces.Where(w => (w.Slug == slug || w.Slug.StartsWith(prefix)) && w.Id != ownWorkspaceId)
            .Select(w => w.Slug).ToListAsync(ct)).ToHashSet();
        for (var n = 1; n <= taken.Count + 2; n++) // + 2: a reserved bare slug ("admin") is skipped too
        {
            var suffix = n == 1 ? "" : $"-{n}";
            var candidate = (slug.Length + suffix.Length > 48 ? slug[..(48 - suffix.Length)].TrimEnd('-') : slug) + suffix;
            if (!taken.Contains(candidate) && WorkspaceLifecycle.SlugProblem(candidate) is null) return candidate;
        }
        return slug; // not reached: among these candidates one is free
    }

    /// <summary>Step 1. Creates the workspace (or renames the one being set up).</summary>
    public async Task<Result<Guid>> SaveWorkspaceAsync(Guid? workspaceId, Guid userId, string name, string slug,
        CancellationToken ct = default)
    {
        name = name.Trim();
        slug = slug.Trim().ToLowerInvariant();
        if (name.Length is < 2 or > 100) return Result<Guid>.Fail("A workspace name has 2 to 100 characters.");
        if (await CheckSlugAsync(slug, workspaceId, ct) is { } problem) return Result<Guid>.Fail(problem);
        if (workspaceId is { } id)
        {
            var renamed = await lifecycle.RenameAsync(id, userId, name, slug, ct);
            return renamed.Ok ? id : Result<Guid>.Fail(renamed.Error!);
        }
        try
        {
            var workspace = await provisioning.CreateAsync(name, slug, userId, inOnboarding: true, ct);
            return workspace.Id;
        }
        catch (DbUpdateException e) when (e.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            return Result<Guid>.Fail($"/w/{slug} was just taken. Choose another address.");
        }
    }

    /// <summary>Records that steps up to and including <paramref name="step"/> are done.</summary>
    public async Task<Result> CompleteStepAsync(Guid workspaceId, Guid userId, OnboardingStep step, CancellationToken ct = default)
    {
        var grant = await permissions.GetAsync(workspaceId, userId, ct);
        if (grant is null || !grant.IsOwner) return Result.Fail("Only the workspace's owner can set it up.");
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, userId), ct);
        var done = (int)step + 1;
        await db.Workspaces.Where(w => w.Id == workspaceId && w.OnboardingStep < done)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.OnboardingStep, done), ct);
        await db.CommitAsync(ct);
        return Result.Success;
    }

    /// <summary>Step 5 option: the sample handbook, so the first chat has something to answer from.</summary>
    public async Task<Result> AddSampleDocumentAsync(Guid workspaceId, Guid userId, CancellationToken ct = default)
    {
        if (await permissions.CheckAsync(workspaceId, userId, WorkspacePermission.ManageDocuments, ct) is { } refusal)
            return refusal;
        await using var tenant = await tenants.OpenAsync(workspaceId, userId, ct);
        if (await tenant.Documents.AnyAsync(d => d.FileName == SampleDocument.FileName, ct)) return Result.Success;
        tenant.Documents.Add(new Document
        {
            Title = SampleDocument.Title, FileName = SampleDocument.FileName, ContentType = "text/markdown",
            Content = SampleDocument.Content, SizeBytes = System.Text.Encoding.UTF8.GetByteCount(SampleDocument.Content),
            CreatedByUserId = userId,
        });
        await tenant.CommitAsync(ct);
        return Result.Success;
    }

    public async Task<Result<string>> FinishAsync(Guid workspaceId, Guid userId, CancellationToken ct = default)
    {
        var grant = await permissions.GetAsync(workspaceId, userId, ct);
        if (grant is null || !grant.IsOwner) return Result<string>.Fail("Only the workspace's owner can set it up.");
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId, userId), ct);
        var workspace = await db.Workspaces.SingleAsync(w => w.Id == workspaceId, ct);
        workspace.OnboardingStep = StepCount;
        workspace.OnboardingCompletedAt ??= DateTimeOffset.UtcNow;
        await db.CommitAsync(AuditTrail.Entry(workspaceId, userId, "workspace.onboarding_finished", "workspace", workspaceId,
            new { placement = workspace.DataPlacement.ToString() }), ct);
        return workspace.Slug;
    }
}

public static class SampleDocument
{
    public const string Title = "Getting started with your workspace";
    public const string FileName = "platform-sample.md";
    public const string Content = """
        # Getting started with your workspace

        ## What the assistant does
        The assistant answers questions from the documents in this workspace and cites the passages it used.
        When the documents do not contain an answer, it says so instead of guessing.

        ## Adding knowledge
        Upload Markdown, text, PDF or Word files on the Documents page. Each file is split into passages and
        indexed; it can be searched a few seconds after upload.

        ## Inviting your team
        Owners and admins invite people from Settings → Invites. An invite link works once and expires after
        seven days.

        ## Costs
        Every AI call is recorded with its tokens and cost on the Costs page, where budgets can be set.
        """;
}
