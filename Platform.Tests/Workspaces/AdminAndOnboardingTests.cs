using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Data.Main.Entities;
using Platform.Web.Features.Costs;
using Platform.Data.Tenancy;
using Platform.Web.Features.Admin;
using Platform.Web.Features.Onboarding;
using Platform.Web.Features.Workspaces;
using Platform.Web.Features.Costs.Budgets;

namespace Platform.Tests.Workspaces;

public class AdminAndOnboardingTests(WorkspacesLocalPlatform platform) : IClassFixture<WorkspacesLocalPlatform>
{
    private AdminConsole Console => platform.Get<AdminConsole>();

    private async Task<Guid> CreateAdminAsync()
    {
        var id = await platform.CreateUserAsync();
        await using var db = platform.Main.Create(DbSession.None);
        await db.Users.Where(u => u.Id == id).ExecuteUpdateAsync(s => s.SetProperty(u => u.IsPlatformAdmin, true));
        return id;
    }

    [Fact]
    public async Task Only_platform_admins_reach_the_console_services()
    {
        var notAdmin = await platform.CreateUserAsync();
        await Assert.ThrowsAsync<WorkspaceAccessDeniedException>(() => Console.WorkspacesAsync(notAdmin, null));
        await Assert.ThrowsAsync<WorkspaceAccessDeniedException>(() => Console.SetLockedAsync(notAdmin, notAdmin, true));
    }

    [Fact]
    public async Task A_platform_admin_sets_the_plan_which_members_see_and_the_credit_tier_follows_at_once()
    {
        var admin = await CreateAdminAsync();
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var lifecycle = platform.Get<WorkspaceLifecycle>();
        var credits = new CreditLimiter(platform.Get<DataSourceRegistry>(), platform.Get<IOptions<DatabaseOptions>>(),
            Options.Create(new CostsOptions()), TimeProvider.System, NullLogger<CreditLimiter>.Instance);
        Assert.Equal(WorkspacePlan.Free, await lifecycle.PlanAsync(ws, owner));
        Assert.Equal("free", await credits.TierOfAsync(ws, owner));

        Assert.True((await Console.SetPlanAsync(admin, ws, WorkspacePlan.Pro)).Ok);
        Assert.Equal(WorkspacePlan.Pro, await lifecycle.PlanAsync(ws, owner));
        Assert.Equal("pro", await credits.TierOfAsync(ws, owner));
        Assert.True((await Console.SetPlanAsync(admin, ws, WorkspacePlan.Enterprise)).Ok);
        Assert.Equal("pro", await credits.TierOfAsync(ws, owner));
        Assert.True((await Console.SetPlanAsync(admin, ws, WorkspacePlan.Free)).Ok);
        Assert.Equal("free", await credits.TierOfAsync(ws, owner));

        var (rows, total) = await Console.AuditAsync(admin, new AuditFilter(Workspace: ws.ToString(), Action: "admin.workspace_plan_changed"), 0, 10);
        Assert.Equal(3, total);
        Assert.Contains(rows, r => r.Details.Contains("Enterprise") && r.Details.Contains("Pro")); // from Pro to Enterprise

        // Only platform admins; not members, not even the owner. A stranger does not learn the plan.
        await Assert.ThrowsAsync<WorkspaceAccessDeniedException>(() => Console.SetPlanAsync(owner, ws, WorkspacePlan.Enterprise));
        Assert.Null(await lifecycle.PlanAsync(ws, await platform.CreateUserAsync()));
        Assert.False((await Console.SetPlanAsync(admin, Guid.NewGuid(), WorkspacePlan.Pro)).Ok);
    }

    [Fact]
    public async Task Suspending_locks_members_out_and_is_audited_then_reactivating_lets_them_back()
    {
        var admin = await CreateAdminAsync();
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        Assert.True((await Console.SetSuspendedAsync(admin, ws, true, "unpaid")).Ok);
        Assert.False(await platform.Get<WorkspacePermissions>().HasAsync(ws, owner, WorkspacePermission.UseChat));
        Assert.Equal(Platform.Data.Main.Entities.WorkspaceStatus.Suspended,
            (await platform.Get<WorkspaceDirectory>().ForUserAsync(owner)).Single(a => a.WorkspaceId == ws).Status);

        Assert.True((await Console.SetSuspendedAsync(admin, ws, false, null)).Ok);
        Assert.True(await platform.Get<WorkspacePermissions>().HasAsync(ws, owner, WorkspacePermission.UseChat));

        var opened = await Console.OpenWorkspaceAsync(admin, ws);
        Assert.Single(opened.Value!.Members);
        var (rows, total) = await Console.AuditAsync(admin, new AuditFilter(Workspace: ws.ToString(), Action: "admin."), 0, 2);
        Assert.Equal(3, total);
        Assert.Equal(2, rows.Count);
        Assert.Equal("admin.workspace_opened", rows[0].Action);
    }

    [Fact]
    public async Task Locking_a_user_ends_their_sessions_and_unlocking_restores_them()
    {
        var admin = await CreateAdminAsync();
        var user = await platform.CreateUserAsync();
        string? stampBefore;
        await using (var db = platform.Main.Create(DbSession.None))
            stampBefore = await db.Users.Where(u => u.Id == user).Select(u => u.SecurityStamp).SingleAsync();

        Assert.True((await Console.SetLockedAsync(admin, user, true)).Ok);
        var row = (await Console.UsersAsync(admin, null)).Single(u => u.Id == user);
        Assert.True(row.Locked);
        await using (var db = platform.Main.Create(DbSession.None))
            Assert.NotEqual(stampBefore, await db.Users.Where(u => u.Id == user).Select(u => u.SecurityStamp).SingleAsync());
        Assert.False((await Console.SetLockedAsync(admin, admin, true)).Ok);

        Assert.True((await Console.SetLockedAsync(admin, user, false)).Ok);
        Assert.False((await Console.UsersAsync(admin, null)).Single(u => u.Id == user).Locked);
        var (audit, _) = await Console.AuditAsync(admin, new AuditFilter(Action: "admin.user_"), 0, 50);
        Assert.Contains(audit, a => a.Action == "admin.user_locked" && a.TargetId == user.ToString());
    }

    [Fact]
    public async Task Health_reports_the_main_database_and_the_platform_tenant_store()
    {
        var admin = await CreateAdminAsync();
        var health = await Console.HealthAsync(admin);
        Assert.All(health.Take(2), h => Assert.True(h.Healthy, h.Detail));
    }

    [Fact]
    public async Task The_wizard_resumes_at_the_first_unfinished_step_and_finishing_completes_it()
    {
        var onboarding = platform.Get<OnboardingService>();
        var user = await platform.CreateUserAsync();
        var slug = "resume-" + Guid.NewGuid().ToString("N")[..8];
        var created = await onboarding.SaveWorkspaceAsync(null, user, "Resume Co", slug);
        Assert.True(created.Ok, created.Error);
        Assert.Contains("taken", (await onboarding.SaveWorkspaceAsync(null, await platform.CreateUserAsync(), "Other", slug)).Error);

        await onboarding.CompleteStepAsync(created.Value, user, OnboardingStep.Data);
        var state = (await onboarding.UnfinishedAsync(user)).Single();
        Assert.Equal((int)OnboardingStep.Ai, state.StepsDone);

        // Going back to step 1 and renaming keeps the progress.
        Assert.True((await onboarding.SaveWorkspaceAsync(created.Value, user, "Resume Company", slug + "-x")).Ok);
        Assert.Equal(2, (await onboarding.LoadAsync(created.Value, user))!.StepsDone);

        Assert.True((await onboarding.AddSampleDocumentAsync(created.Value, user)).Ok);
        var finished = await onboarding.FinishAsync(created.Value, user);
        Assert.Equal(slug + "-x", finished.Value);
        Assert.Empty(await onboarding.UnfinishedAsync(user));
        await using var tenant = await platform.Tenants.OpenAsync(created.Value, user);
        Assert.Equal(SampleDocument.Title, (await tenant.Documents.SingleAsync()).Title);
    }
}
