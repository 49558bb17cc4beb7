using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Extensions;
using Platform.Data.Tenancy;
using Platform.Web.Components.Layout;
using Platform.Web.Features.Workspaces;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Components;

/// <summary>The shell, rendered by bUnit against the real main database: a signed-in member sees their
/// workspace's name, its navigation and the switcher.</summary>
public class MainLayoutTests(LocalPlatform platform) : IClassFixture<LocalPlatform>
{
    private Guid _ownerId;

    private async Task<(CurrentWorkspace Workspace, string Slug)> SignInMemberAsync(BunitContext ctx, string workspaceName)
    {
        var (workspaceId, ownerId) = await platform.CreateWorkspaceAsync(workspaceName);
        _ownerId = ownerId;
        ctx.Services.AddSingleton(platform.Main);
        ctx.Services.AddSingleton(platform.Tenants);
        ctx.Services.AddSingleton(platform.Services.GetRequiredService<WorkspaceDirectory>());
        ctx.Services.AddScoped<CurrentWorkspace>();
        // The app bar's budget alert badge (Costs area) reads the same real database.
        ctx.Services.AddSingleton<Platform.Web.Features.Costs.Budgets.CostNotifications>();
        ctx.Services.AddSingleton<WorkspacePermissions>();
        ctx.Services.AddSingleton<Platform.Web.Features.Costs.CostPermissions>();
        ctx.Services.AddSingleton<Platform.Web.Features.Costs.Dashboard.CostQueries>();
        ctx.Services.AddSingleton(new Platform.Web.Features.Costs.Dashboard.RawEventCoverage(
            platform.Services.GetRequiredService<Platform.Data.Tenancy.DataSourceRegistry>(),
            platform.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Platform.Data.Tenancy.DatabaseOptions>>()));
        ctx.Services.AddSingleton(TimeProvider.System);
        ctx.Services.AddSingleton<Platform.Web.Features.Admin.PlatformAdmins>();
        ctx.Services.AddLogging();
        // Theme and "hide personal info" come from the user's preferences (Chat area's store).
        ctx.Services.AddSingleton(new Platform.Web.Features.Chat.Settings.PreferencesStore(platform.Main,
            new Platform.Web.Features.Chat.ChatModelCatalog(new Platform.Web.Ai.PlatformAiSettingsProvider(
                Microsoft.Extensions.Options.Options.Create(new Platform.Web.Ai.PlatformAiOptions()))),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<Platform.Web.Features.Chat.Settings.PreferencesStore>.Instance));
        ctx.Services.AddScoped<Platform.Web.Features.Chat.Settings.ShellPreferences>();
        var auth = ctx.AddAuthorization();
        auth.SetAuthorized("owner@test.local");
        auth.SetClaims(new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, ownerId.ToString()));
        var workspace = ctx.Services.GetRequiredService<CurrentWorkspace>();
        var directory = ctx.Services.GetRequiredService<WorkspaceDirectory>();
        var slug = (await directory.ForUserAsync(ownerId)).Single(w => w.WorkspaceId == workspaceId).Slug;
        return (workspace, slug);
    }

    [Fact]
    public async Task Layout_shows_the_workspace_name_and_its_navigation_for_a_member()
    {
        // MudBlazor services are only IAsyncDisposable: dispose the bUnit context asynchronously.
        await using var ctx = new MudTestContext();
        var (workspace, slug) = await SignInMemberAsync(ctx, "Globex Research");
        Assert.NotNull(await workspace.EnterAsync(slug));

        var cut = ctx.Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddContent(0, "page body"))));

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("Globex Research", cut.Find("[data-testid=nav-workspace-name]").TextContent.Trim());
            var links = cut.FindAll("a.mud-nav-link").Select(a => a.GetAttribute("href")).ToList();
            Assert.Contains($"w/{slug}/chat", links);
            Assert.Contains($"w/{slug}/documents", links);
            Assert.Contains($"w/{slug}/costs", links);
            Assert.Contains($"w/{slug}/settings", links);
            Assert.Contains("Globex Research", cut.Find("[data-testid=workspace-switcher-button]").TextContent);
            Assert.Contains("page body", cut.Markup);
        });
    }

    [Fact]
    public async Task A_slug_the_user_is_not_a_member_of_is_not_entered()
    {
        await using var ctx = new MudTestContext();
        var (workspace, _) = await SignInMemberAsync(ctx, "Initech");
        var (_, strangerOwner) = await platform.CreateWorkspaceAsync("Hidden");
        var hiddenSlug = (await platform.Services.GetRequiredService<WorkspaceDirectory>().ForUserAsync(strangerOwner)).Single().Slug;

        Assert.Null(await workspace.EnterAsync(hiddenSlug));
        var cut = ctx.Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddContent(0, "x"))));
        Assert.Empty(cut.FindAll("[data-testid=nav-workspace-name]"));
        Assert.DoesNotContain("Hidden", cut.Markup);
    }

    [Fact]
    public async Task The_saved_theme_is_applied_and_the_toggle_saves_it_and_personal_info_is_masked()
    {
        await using var ctx = new MudTestContext();
        var (workspace, slug) = await SignInMemberAsync(ctx, "Umbrella");
        var store = ctx.Services.GetRequiredService<Platform.Web.Features.Chat.Settings.PreferencesStore>();
        var prefs = await store.GetAsync(_ownerId);
        prefs.Theme = "dark";
        prefs.HidePersonalInfo = true;
        await store.SaveAsync(_ownerId, prefs);
        Assert.NotNull(await workspace.EnterAsync(slug));

        var cut = ctx.Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddContent(0, "x"))));
        var theme = cut.FindComponent<MudThemeProvider>();
        cut.WaitForAssertion(() => Assert.True(theme.Instance.GetState(x => x.IsDarkMode)));

        cut.Find("[data-testid=user-menu] button").Click();
        cut.WaitForAssertion(() => Assert.Equal("o••••@••••", cut.Find("[data-testid=user-name]").TextContent.Trim()));
        Assert.DoesNotContain("owner@test.local", cut.Markup);

        cut.Find("[data-testid=theme-toggle]").Click();
        cut.WaitForAssertion(() => Assert.False(theme.Instance.GetState(x => x.IsDarkMode)));
        var saved = await PollAsync(async () => (await store.GetAsync(_ownerId)).Theme, t => t == "light");
        Assert.Equal("light", saved);

        // Unmasked again as soon as the preference is saved elsewhere (e.g. the chat settings page).
        prefs = await store.GetAsync(_ownerId);
        prefs.HidePersonalInfo = false;
        await store.SaveAsync(_ownerId, prefs);
        cut.WaitForAssertion(() => Assert.Contains("owner@test.local", cut.Find("[data-testid=user-name]").TextContent));
    }

    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var until = DateTime.UtcNow.AddSeconds(10);
        var value = await read();
        while (!done(value) && DateTime.UtcNow < until)
        {
            await Task.Delay(20);
            value = await read();
        }
        return value;
    }
}
