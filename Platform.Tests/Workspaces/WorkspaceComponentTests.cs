using Microsoft.EntityFrameworkCore;
using Bunit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Platform.Data.Main.Entities;
using Platform.Tests.Infrastructure;
using Platform.Web.Features.Onboarding;
using Platform.Web.Features.Workspaces;
using Platform.Web.Features.Workspaces.Settings;

namespace Platform.Tests.Workspaces;

/// <summary>bUnit: the wizard's first step and the settings forms — validation and disabled states — with the
/// real services on real PostgreSQL behind them.</summary>
public class WorkspaceComponentTests : MudTestContext, IClassFixture<WorkspacesLocalPlatform>
{
    private readonly WorkspacesLocalPlatform _platform;

    public WorkspaceComponentTests(WorkspacesLocalPlatform platform)
    {
        _platform = platform;
        foreach (var type in new[]
                 {
                     typeof(OnboardingService), typeof(WorkspaceDataPlacement), typeof(WorkspaceAiKeys), typeof(WorkspaceLifecycle),
                     typeof(WorkspaceDirectory), typeof(WorkspaceInvitesService), typeof(TimeProvider),
                 })
            Services.AddSingleton(type, platform.Services.GetRequiredService(type));
        // No single sign-on provider configured: General settings show no "Sign-in" section.
        var noProviders = new Platform.Web.Features.Account.Sso.SsoProviders([]);
        Services.AddSingleton(noProviders);
        Services.AddSingleton(new Platform.Web.Features.Account.Sso.WorkspaceSignInRequirement(
            platform.Main, platform.Get<WorkspacePermissions>(), noProviders));
    }

    [Fact]
    public async Task Name_step_suggests_an_address_checks_it_live_and_only_then_allows_continuing()
    {
        var (_, owner) = await _platform.CreateWorkspaceAsync("Taken Name");
        var takenSlug = (await _platform.Get<WorkspaceDirectory>().ForUserAsync(owner)).Single().Slug;
        var step = Render<WorkspaceNameStep>(p => p.Add(x => x.UserId, owner));
        Assert.True(step.Find("[data-testid=ws-continue]").HasAttribute("disabled"));

        var name = "Research Lab " + Guid.NewGuid().ToString("N")[..6];
        step.Find("input[data-testid=ws-name]").Input(name);
        step.WaitForAssertion(() =>
            Assert.Equal(WorkspaceLifecycle.SuggestSlug(name), step.Find("input[data-testid=ws-slug]").GetAttribute("value")), TimeSpan.FromSeconds(5));
        step.WaitForAssertion(() => Assert.False(step.Find("[data-testid=ws-continue]").HasAttribute("disabled")), TimeSpan.FromSeconds(5));

        step.Find("input[data-testid=ws-slug]").Input(takenSlug);
        step.WaitForAssertion(() => Assert.Contains("is taken", step.Markup), TimeSpan.FromSeconds(5));
        Assert.True(step.Find("[data-testid=ws-continue]").HasAttribute("disabled"));

        step.Find("input[data-testid=ws-slug]").Input("Not A Slug!");
        step.WaitForAssertion(() => Assert.Contains("lowercase letters, digits and dashes", step.Markup), TimeSpan.FromSeconds(5));
        Assert.True(step.Find("[data-testid=ws-continue]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task Name_step_suggests_a_free_address_when_the_names_address_is_taken()
    {
        var name = "Acme " + Guid.NewGuid().ToString("N")[..6];
        var owner = await _platform.CreateUserAsync();
        var takenSlug = WorkspaceLifecycle.SuggestSlug(name);
        await _platform.Provisioning.CreateAsync(name, takenSlug, owner);

        var step = Render<WorkspaceNameStep>(p => p.Add(x => x.UserId, owner));
        step.Find("input[data-testid=ws-name]").Input(name);
        step.WaitForAssertion(() => Assert.Equal(takenSlug + "-2", step.Find("input[data-testid=ws-slug]").GetAttribute("value")), TimeSpan.FromSeconds(5));
        step.WaitForAssertion(() => Assert.False(step.Find("[data-testid=ws-continue]").HasAttribute("disabled")), TimeSpan.FromSeconds(5));
        Assert.DoesNotContain("is taken", step.Markup);
        Assert.Equal(takenSlug + "-2", await _platform.Get<OnboardingService>().SuggestFreeSlugAsync(name));
        Assert.Equal("admin-2", await _platform.Get<OnboardingService>().SuggestFreeSlugAsync("Admin")); // reserved
    }

    [Fact]
    public async Task A_refused_invite_toast_is_cleared_by_the_next_send()
    {
        var grant = await OwnerGrantAsync();
        var snackbars = Services.GetRequiredService<ISnackbar>();
        var form = Render<InviteForm>(p => p.Add(x => x.Grant, grant));

        form.Find("textarea[data-testid=invite-emails]").Input("not-an-email");
        await form.Find("[data-testid=invite-send]").ClickAsync(new());
        form.WaitForAssertion(() => Assert.Contains(snackbars.ShownSnackbars, s => (s.Message ?? "").Contains("is not an email address")), TimeSpan.FromSeconds(5));

        form.Find("textarea[data-testid=invite-emails]").Input($"teammate-{Guid.NewGuid():N}@example.test");
        await form.Find("[data-testid=invite-send]").ClickAsync(new());
        form.WaitForAssertion(() => Assert.Single(form.FindAll("[data-testid=invite-link]")), TimeSpan.FromSeconds(5));
        Assert.DoesNotContain(snackbars.ShownSnackbars, s => (s.Message ?? "").Contains("is not an email address"));
    }

    [Fact]
    public async Task Name_step_creates_the_workspace_in_onboarding_state()
    {
        var owner = await _platform.CreateUserAsync();
        Guid? saved = null;
        var step = Render<WorkspaceNameStep>(p => p.Add(x => x.UserId, owner).Add(x => x.OnSaved, id => saved = id));
        var name = "Wizard Co " + Guid.NewGuid().ToString("N")[..6];
        step.Find("input[data-testid=ws-name]").Input(name);
        step.WaitForAssertion(() => Assert.False(step.Find("[data-testid=ws-continue]").HasAttribute("disabled")), TimeSpan.FromSeconds(5));
        await step.Find("[data-testid=ws-continue]").ClickAsync(new());
        step.WaitForAssertion(() => Assert.NotNull(saved), TimeSpan.FromSeconds(5));

        var state = (await _platform.Get<OnboardingService>().UnfinishedAsync(owner)).Single();
        Assert.Equal(saved, state.WorkspaceId);
        Assert.Equal(1, state.StepsDone);
    }

    [Fact]
    public async Task Own_database_form_needs_a_successful_test_before_connecting_and_shows_why_a_test_failed()
    {
        var grant = await OwnerGrantAsync();
        var form = Render<OwnDatabaseForm>(p => p.Add(x => x.Grant, grant));
        Assert.True(form.Find("[data-testid=db-test]").HasAttribute("disabled"));
        Assert.True(form.Find("[data-testid=db-connect]").HasAttribute("disabled"));

        form.Find("input[data-testid=db-host]").Input("127.0.0.1");
        form.Find("input[data-testid=db-port]").Change(SecondPostgresCluster.FreePort().ToString());
        form.Find("input[data-testid=db-name]").Input("nothing_here");
        form.Find("input[data-testid=db-user]").Input("nobody");
        form.WaitForAssertion(() => Assert.False(form.Find("[data-testid=db-test]").HasAttribute("disabled")));
        await form.Find("[data-testid=db-test]").ClickAsync(new());
        form.WaitForAssertion(() => Assert.Contains("Could not reach a PostgreSQL server", form.Find("[data-testid=db-test-error]").TextContent),
            TimeSpan.FromSeconds(15));
        Assert.True(form.Find("[data-testid=db-connect]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task Provider_form_enables_save_only_after_a_passing_test_of_the_current_values()
    {
        await using var server = await OpenAiProtocolServer.StartAsync();
        server.ApiKey = "sk-component-test-0000000";
        var grant = await OwnerGrantAsync();
        var form = Render<ProviderKeyForm>(p => p.Add(x => x.Grant, grant));
        Assert.True(form.Find("[data-testid=ai-save]").HasAttribute("disabled"));

        form.Find("input[data-testid=ai-base-url]").Input(server.BaseUrl);
        form.Find("input[data-testid=ai-key]").Input("sk-wrong");
        await form.Find("[data-testid=ai-test]").ClickAsync(new());
        form.WaitForAssertion(() => Assert.Contains("rejected the API key", form.Find("[data-testid=ai-test-error]").TextContent), TimeSpan.FromSeconds(10));
        Assert.True(form.Find("[data-testid=ai-save]").HasAttribute("disabled"));

        form.Find("input[data-testid=ai-key]").Input("sk-component-test-0000000");
        await form.Find("[data-testid=ai-test]").ClickAsync(new());
        form.WaitForAssertion(() => Assert.False(form.Find("[data-testid=ai-save]").HasAttribute("disabled")), TimeSpan.FromSeconds(10));

        // Changing a value after the test asks for a new test.
        form.Find("input[data-testid=ai-chat-model]").Input("another-model");
        form.WaitForAssertion(() => Assert.True(form.Find("[data-testid=ai-save]").HasAttribute("disabled")));
    }

    [Fact]
    public async Task Saving_a_provider_clears_the_form_and_the_list_shows_its_hint_and_passing_test()
    {
        await using var server = await OpenAiProtocolServer.StartAsync();
        server.ApiKey = "sk-component-test-1234567";
        var grant = await OwnerGrantAsync();
        var page = Render<AiProvidersSettings>(p => p.Add(x => x.Grant, grant));

        page.Find("input[data-testid=ai-name]").Input("Local gateway");
        page.Find("input[data-testid=ai-base-url]").Input(server.BaseUrl);
        page.Find("input[data-testid=ai-key]").Input("sk-component-test-1234567");
        await page.Find("[data-testid=ai-test]").ClickAsync(new());
        page.WaitForAssertion(() => Assert.False(page.Find("[data-testid=ai-save]").HasAttribute("disabled")), TimeSpan.FromSeconds(10));
        await page.Find("[data-testid=ai-save]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("Local gateway", page.Find("[data-testid=ai-keys-table]").TextContent), TimeSpan.FromSeconds(10));
        page.WaitForAssertion(() => Assert.Contains("passed", page.Find("[data-testid=ai-key-last-test]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Contains("4567", page.Find("[data-testid=ai-keys-table]").TextContent); // the hint, never the key
        Assert.DoesNotContain("sk-component-test-1234567", page.Markup);
        // The form is back to a new provider's defaults, not the saved values.
        var fresh = new ProviderKeyInput();
        Assert.Equal(fresh.Name, page.Find("input[data-testid=ai-name]").GetAttribute("value"));
        Assert.Equal(fresh.BaseUrl, page.Find("input[data-testid=ai-base-url]").GetAttribute("value"));
        Assert.True(string.IsNullOrEmpty(page.Find("input[data-testid=ai-key]").GetAttribute("value")));
        Assert.True(page.Find("[data-testid=ai-save]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task Delete_needs_the_typed_address_and_is_shown_to_owners_only()
    {
        var (ws, owner) = await _platform.CreateWorkspaceAsync();
        var slug = (await _platform.Get<WorkspaceDirectory>().ForUserAsync(owner)).Single().Slug;
        var circuit = new CurrentWorkspace(new SignedIn(owner), _platform.Get<WorkspaceDirectory>(), Microsoft.Extensions.Logging.Abstractions.NullLogger<CurrentWorkspace>.Instance, TimeProvider.System);
        await circuit.EnterAsync(slug);
        Services.AddSingleton(circuit);
        var grant = (await _platform.Get<WorkspacePermissions>().GetAsync(ws, owner))!;

        var general = Render<GeneralSettings>(p => p.Add(x => x.Grant, grant));
        Assert.True(general.Find("[data-testid=delete-workspace]").HasAttribute("disabled"));
        general.Find("input[data-testid=delete-confirm]").Input(slug + "x");
        Assert.True(general.Find("[data-testid=delete-workspace]").HasAttribute("disabled"));
        general.Find("input[data-testid=delete-confirm]").Input(slug);
        general.WaitForAssertion(() => Assert.False(general.Find("[data-testid=delete-workspace]").HasAttribute("disabled")));

        var admin = grant with { Role = BuiltInRoles.Admin };
        var asAdmin = Render<GeneralSettings>(p => p.Add(x => x.Grant, admin));
        Assert.Empty(asAdmin.FindAll("[data-testid=delete-workspace]"));
    }

    [Fact]
    public async Task General_settings_show_the_plan_the_workspace_is_on()
    {
        var (ws, owner) = await _platform.CreateWorkspaceAsync();
        var slug = (await _platform.Get<WorkspaceDirectory>().ForUserAsync(owner)).Single().Slug;
        await using (var db = _platform.Main.Create(Platform.Data.Tenancy.DbSession.None))
            await db.Workspaces.Where(w => w.Id == ws).ExecuteUpdateAsync(s => s.SetProperty(w => w.Plan, Platform.Data.Main.Entities.WorkspacePlan.Enterprise));
        var circuit = new CurrentWorkspace(new SignedIn(owner), _platform.Get<WorkspaceDirectory>(), Microsoft.Extensions.Logging.Abstractions.NullLogger<CurrentWorkspace>.Instance, TimeProvider.System);
        await circuit.EnterAsync(slug);
        Services.AddSingleton(circuit);
        var grant = (await _platform.Get<WorkspacePermissions>().GetAsync(ws, owner))!;

        var general = Render<GeneralSettings>(p => p.Add(x => x.Grant, grant));
        general.WaitForAssertion(() => Assert.Equal("Enterprise", general.Find("[data-testid=general-plan]").TextContent));
    }

    private async Task<WorkspaceGrant> OwnerGrantAsync()
    {
        var (ws, owner) = await _platform.CreateWorkspaceAsync();
        return (await _platform.Get<WorkspacePermissions>().GetAsync(ws, owner))!;
    }
}
