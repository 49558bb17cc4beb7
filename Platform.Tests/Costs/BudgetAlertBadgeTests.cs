using System.Security.Claims;
using Bunit;
using Platform.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Web.Features.Costs;
using Platform.Web.Features.Workspaces;
using Platform.Web.Features.Costs.Budgets;
using Platform.Web.Features.Costs.Dashboard;

namespace Platform.Tests.Costs;

/// <summary>The app-bar badge against the real database: open alerts for people who may see money, nothing for others.</summary>
public class BudgetAlertBadgeTests(CostsPlatform platform) : MudTestContext, IClassFixture<CostsPlatform>
{
    private async Task<IRenderedComponent<BudgetAlertBadge>> RenderForAsync(Guid userId, string slug)
    {
        AddAuthorization().SetAuthorized("someone").SetClaims(new Claim(ClaimTypes.NameIdentifier, userId.ToString()));
        Services.AddSingleton(platform.Get<WorkspaceDirectory>());
        Services.AddSingleton(platform.Get<CostPermissions>());
        Services.AddSingleton(platform.Get<CostQueries>());
        Services.AddSingleton(platform.Get<CostNotifications>());
        Services.AddScoped<CurrentWorkspace>();
        await Services.GetRequiredService<CurrentWorkspace>().EnterAsync(slug);
        return Render<BudgetAlertBadge>();
    }

    private async Task<string> SlugAsync(Guid ws)
    {
        await using var db = platform.Main.Create(DbSession.None);
        return await db.Workspaces.Where(w => w.Id == ws).Select(w => w.Slug).SingleAsync();
    }

    [Fact]
    public async Task Owners_see_the_number_of_open_alerts()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        await platform.SetBudgetAsync(ws, monthly: 0.01m);
        platform.Recorder.Record(CostsPlatform.Usage(ws, owner, "gpt-4o", 10_000, 0));
        await platform.FlushAsync();

        var cut = await RenderForAsync(owner, await SlugAsync(ws));
        cut.WaitForAssertion(() => Assert.Contains("3", cut.Find("[data-testid=budget-alert-badge]").TextContent));
        Assert.Equal($"/w/{await SlugAsync(ws)}/costs#alerts", cut.Find("a").GetAttribute("href"));
    }

    [Fact]
    public async Task Members_without_the_permission_see_no_badge()
    {
        var (ws, _) = await platform.CreateWorkspaceAsync();
        var member = await platform.CreateUserAsync();
        await using (var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(ws)))
        {
            db.WorkspaceMembers.Add(new WorkspaceMember { WorkspaceId = ws, UserId = member, Role = BuiltInRoles.Member });
            await db.SaveChangesAsync();
            await db.Database.CommitTransactionAsync();
        }
        var cut = await RenderForAsync(member, await SlugAsync(ws));
        Assert.Empty(cut.FindAll("[data-testid=budget-alert-badge]"));
    }
}
