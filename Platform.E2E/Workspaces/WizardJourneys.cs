using Microsoft.Playwright;
using Platform.E2E.Infrastructure;
using static Platform.E2E.Workspaces.WorkspaceSteps;

namespace Platform.E2E.Workspaces;

[Collection(PlatformCollection.Name)]
public class WizardJourneys(AppServer app, Browser browser)
{
    /// <summary>A new user lands in the wizard, completes it with the platform database, and ends in chat.
    /// Returns the workspace slug.</summary>
    internal static async Task<string> CompleteWizardAsync(IPage page, string name, bool screenshots)
    {
        await page.WaitForURLAsync("**/onboarding**");
        await Field(page, "ws-name").FillAsync(name);
        var slug = Field(page, "ws-slug");
        await Assertions.Expect(slug).Not.ToHaveValueAsync("");
        var continueButton = page.Locator("[data-testid=ws-continue]");
        await Assertions.Expect(continueButton).ToBeEnabledAsync();
        var slugValue = await slug.InputValueAsync();
        if (screenshots) await ShotAsync(page, "wizard-1-workspace");
        await continueButton.ClickAsync();

        await page.WaitForURLAsync("**/onboarding/*");
        await page.Locator("[data-testid=data-continue]").WaitForAsync();
        // The app bar names the workspace being set up (not "Choose a workspace").
        await Assertions.Expect(page.Locator("[data-testid=workspace-switcher-button]")).ToContainTextAsync(name);
        if (screenshots)
        {
            await page.GetByText("Our own PostgreSQL database").ClickAsync();
            await Field(page, "db-host").WaitForAsync();
            await ShotAsync(page, "wizard-2-data-own-database");
            await page.GetByText("Platform database (recommended)").ClickAsync();
            await ShotAsync(page, "wizard-2-data");
        }
        await page.Locator("[data-testid=data-continue]").ClickAsync();

        await page.Locator("[data-testid=ai-continue]").WaitForAsync();
        if (screenshots) await ShotAsync(page, "wizard-3-ai");
        await page.Locator("[data-testid=ai-continue]").ClickAsync();

        await page.Locator("[data-testid=invites-continue]").WaitForAsync();
        if (screenshots) await ShotAsync(page, "wizard-4-invites");
        await page.Locator("[data-testid=invites-continue]").ClickAsync();

        await page.Locator("[data-testid=knowledge-sample]").WaitForAsync();
        if (screenshots)
        {
            // Own files are uploaded inside the step, and their line follows processing to "Ready".
            await page.Locator("[data-testid=knowledge-upload] [data-testid=upload-zone][data-interactive=true]").WaitForAsync();
            await page.Locator("[data-testid=knowledge-upload] input[type=file]").SetInputFilesAsync(new FilePayload
            {
                Name = "welcome.md", MimeType = "text/markdown",
                Buffer = System.Text.Encoding.UTF8.GetBytes("# Welcome\n\nOur office opens at 8:30 and the kitchen closes at 16:00."),
            });
            await Assertions.Expect(page.Locator("[data-testid=upload-item][data-status=ready]")).ToContainTextAsync("welcome.md", new() { Timeout = 60_000 });
            await Assertions.Expect(page.Locator("[data-testid=upload-item]")).ToContainTextAsync("Ready");
            Assert.Contains("/onboarding/", page.Url);
        }
        await page.Locator("[data-testid=knowledge-sample]").ClickAsync();
        // Disabled also while it is still being added (busy): wait for the outcome, so Finish never overlaps it.
        await Assertions.Expect(page.Locator("[data-testid=knowledge-sample]")).ToContainTextAsync("Sample guide added");
        if (screenshots)
        {
            await ShotAsync(page, "wizard-5-knowledge");
            await Browser.ScreenshotDarkAsync(page, "workspaces-wizard-5-knowledge-dark");
        }
        await page.Locator("[data-testid=wizard-finish]").ClickAsync();
        await page.WaitForURLAsync($"**/w/{slugValue}/chat");
        return slugValue;
    }

    [Fact]
    public async Task A_new_user_completes_the_wizard_on_the_platform_database_and_lands_in_chat()
    {
        var page = await browser.NewPageAsync(app);
        await AccountSteps.RegisterAndConfirmAsync(page, NewEmail("wizard"), Password);
        await page.GotoAsync("/");
        var slug = await CompleteWizardAsync(page, "Journey Lab " + Guid.NewGuid().ToString("N")[..6], screenshots: true);
        await ShotAsync(page, "wizard-6-chat");
        Assert.EndsWith($"/w/{slug}/chat", page.Url);
    }

    [Fact]
    public async Task An_owner_invites_a_second_user_who_accepts_and_sees_the_workspace()
    {
        var owner = await browser.NewPageAsync(app);
        await AccountSteps.RegisterAndConfirmAsync(owner, NewEmail("owner"), Password);
        await owner.GotoAsync("/");
        var slug = await CompleteWizardAsync(owner, "Invite Co " + Guid.NewGuid().ToString("N")[..6], screenshots: false);

        var inviteeEmail = NewEmail("invitee");
        await owner.GotoAsync($"/w/{slug}/settings/invites");
        await Field(owner, "invite-emails").FillAsync(inviteeEmail);
        await owner.Locator("[data-testid=invite-send]").ClickAsync();
        var link = await owner.Locator("[data-testid=invite-link] code").InnerTextAsync();
        await Assertions.Expect(owner.Locator("[data-testid=invites-table]")).ToContainTextAsync("pending");
        await ShotAsync(owner, "settings-invites");

        var invitee = await browser.NewPageAsync(app);
        var path = new Uri(link).AbsolutePath;
        await invitee.GotoAsync(path);
        await invitee.Locator("[data-testid=invite-register]").WaitForAsync();
        await ShotAsync(invitee, "invite-signed-out");
        await AccountSteps.RegisterAndConfirmAsync(invitee, inviteeEmail, Password);
        // Registered from this invite with its address: opening the link again lands in the workspace, no "Join" click.
        await invitee.GotoAsync(path);
        await invitee.WaitForURLAsync($"**/w/{slug}/chat");

        await owner.GotoAsync($"/w/{slug}/settings/members");
        await Assertions.Expect(owner.Locator("[data-testid=members-table]")).ToContainTextAsync(inviteeEmail);
        await ShotAsync(owner, "settings-members");
    }

    [Fact]
    public async Task An_admin_suspends_a_workspace_and_its_open_tabs_are_locked_out()
    {
        var member = await browser.NewPageAsync(app);
        await AccountSteps.RegisterAndConfirmAsync(member, NewEmail("suspended"), Password);
        await member.GotoAsync("/");
        var slug = await CompleteWizardAsync(member, "Suspend Me " + Guid.NewGuid().ToString("N")[..6], screenshots: false);
        await member.GotoAsync($"/w/{slug}/settings");
        await member.Locator("[data-testid=settings-tabs]").WaitForAsync();

        var admin = await browser.NewPageAsync(app);
        await AccountSteps.SignInAsync(admin, AccountSteps.DemoOwnerEmail, AccountSteps.DemoOwnerPassword);
        await admin.GotoAsync("/admin");
        await Field(admin, "admin-search").FillAsync(slug);
        await admin.Locator($"[data-testid=suspend-{slug}]").ClickAsync();
        await Assertions.Expect(admin.Locator($"[data-testid=reactivate-{slug}]")).ToBeVisibleAsync();
        await ShotAsync(admin, "admin-workspaces");

        // The member's open tab notices within the re-check interval, without a reload.
        await member.Locator("[data-testid=workspace-suspended]").WaitForAsync(new() { Timeout = 60_000 });
        await ShotAsync(member, "member-suspended");
    }

    [Fact]
    public async Task The_admin_health_page_lists_the_databases_and_the_background_workers()
    {
        var admin = await browser.NewPageAsync(app);
        await AccountSteps.SignInAsync(admin, AccountSteps.DemoOwnerEmail, AccountSteps.DemoOwnerPassword);
        await admin.GotoAsync("/admin/health");
        var table = admin.Locator("[data-testid=admin-health]");
        await Assertions.Expect(table).ToContainTextAsync("Main database");
        // Other journeys' workspaces may list a database they already dropped; the workers must all be healthy.
        foreach (var worker in new[] { "Document ingestion", "Git sync", "Chat answers", "Deleted-chat purge", "Cost writer" })
        {
            var row = table.Locator("tr", new() { HasText = "Worker: " + worker });
            await Assertions.Expect(row).ToHaveCountAsync(1);
            await Assertions.Expect(row).ToContainTextAsync("healthy");
        }
        await ShotAsync(admin, "admin-health");
    }
}

/// <summary>The app for the own-database journey: private networks allowed for own databases (the second cluster
/// is on 127.0.0.1), and that second cluster with a dedicated role and database.</summary>
public sealed class OwnDatabaseApp : IAsyncLifetime
{
    public AppServer Server { get; } = new();
    public Platform.Tests.Workspaces.SecondPostgresCluster Cluster { get; } = new();

    public async Task InitializeAsync()
    {
        await Cluster.InitializeAsync();
        Server.Environment_["Database__OwnDatabases__AllowPrivateNetworks"] = "true";
        await Server.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class OwnDatabaseCollection : ICollectionFixture<OwnDatabaseApp>, ICollectionFixture<Browser>
{
    public const string Name = "own-database";
}

[Collection(OwnDatabaseCollection.Name)]
public class OwnDatabaseJourney(OwnDatabaseApp own, Browser browser)
{
    /// <summary>The wizard with "our own PostgreSQL database": the platform's own cluster (with a role the platform
    /// itself uses) is refused with the fixed message and the dedicated-role SQL is on the page; a dedicated role on
    /// a second server then connects, and the workspace's data lands there under forced RLS.</summary>
    [Fact]
    public async Task A_new_user_is_refused_the_platforms_own_server_and_connects_a_dedicated_database_in_the_wizard()
    {
        var app = own.Server;
        var page = await browser.NewPageAsync(app);
        await AccountSteps.RegisterAndConfirmAsync(page, NewEmail("owndb"), Password);
        await page.GotoAsync("/");
        await page.WaitForURLAsync("**/onboarding**");
        await Field(page, "ws-name").FillAsync("Own DB " + Guid.NewGuid().ToString("N")[..6]);
        await Assertions.Expect(page.Locator("[data-testid=ws-continue]")).ToBeEnabledAsync();
        await page.Locator("[data-testid=ws-continue]").ClickAsync();
        await page.GetByText("Our own PostgreSQL database").ClickAsync();

        // The live hole: the platform's own cluster as "our own database".
        var platform = new Npgsql.NpgsqlConnectionStringBuilder(AppServer.OwnerTemplate);
        await FillAsync(page, platform.Host!, platform.Port, platform.Database!, platform.Username!, platform.Password!);
        await page.Locator("[data-testid=db-test]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=db-test-error]")).ToContainTextAsync("cannot connect to this host");
        await Assertions.Expect(page.Locator("[data-testid=db-connect]")).ToBeDisabledAsync();
        await page.GetByText("How to create a dedicated role").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=db-role-sql]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=db-role-sql]")).ToContainTextAsync("NOSUPERUSER NOBYPASSRLS");
        await ShotAsync(page, "wizard-2-data-own-database-refused");

        var cluster = own.Cluster;
        await FillAsync(page, "127.0.0.1", cluster.Port, "ws_ready", "ws_owner", Platform.Tests.Workspaces.SecondPostgresCluster.OwnerPassword);
        await page.Locator("[data-testid=db-test]").ClickAsync();
        await page.Locator("[data-testid=db-test-ok]").WaitForAsync();
        await ShotAsync(page, "wizard-2-data-own-database-tested");
        await page.Locator("[data-testid=db-connect]").ClickAsync();
        await page.Locator("[data-testid=ai-continue]").WaitForAsync(new() { Timeout = 60_000 });
        await page.Locator("[data-testid=ai-continue]").ClickAsync();
        await page.Locator("[data-testid=invites-continue]").ClickAsync();
        await page.Locator("[data-testid=knowledge-sample]").ClickAsync();
        // Disabled also while it is still being added (busy): wait for the outcome, so Finish never overlaps it.
        await Assertions.Expect(page.Locator("[data-testid=knowledge-sample]")).ToContainTextAsync("Sample guide added");
        await page.Locator("[data-testid=wizard-finish]").ClickAsync();
        await page.WaitForURLAsync("**/chat");

        // The workspace's data is in its own database, and the tables there force RLS.
        var super = cluster.Super("ws_ready");
        Assert.Equal(1, await Platform.Tests.Workspaces.SecondPostgresCluster.ScalarAsync(super,
            "SELECT count(*) FROM pg_class WHERE relname = 'documents' AND relforcerowsecurity"));
        await page.GotoAsync(new Uri(page.Url).AbsolutePath.Replace("/chat", "/settings/data"));
        await page.Locator("[data-testid=data-status]").WaitForAsync();
        await Assertions.Expect(page.Locator("[data-testid=data-flag]")).ToHaveCountAsync(0);
        await ShotAsync(page, "settings-data-own-database");
    }

    private static async Task FillAsync(IPage page, string host, int port, string database, string user, string password)
    {
        await Field(page, "db-host").FillAsync(host);
        await Field(page, "db-port").FillAsync(port.ToString());
        await Field(page, "db-name").FillAsync(database);
        await Field(page, "db-user").FillAsync(user);
        await Field(page, "db-password").FillAsync(password);
    }
}

[Collection(PlatformCollection.Name)]
public class AuditJourneys(AppServer app, Browser browser)
{
    [Fact]
    public async Task A_failed_sign_in_appears_in_the_admin_audit_log()
    {
        var stranger = await browser.NewPageAsync(app);
        var email = NewEmail("nobody");
        await stranger.GotoAsync("/Account/Login");
        await stranger.FillAsync("#Input\\.Email", email);
        await stranger.FillAsync("#Input\\.Password", "wrong-password");
        await stranger.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        await stranger.GetByText("Invalid login attempt").WaitForAsync();

        var admin = await browser.NewPageAsync(app);
        await AccountSteps.SignInAsync(admin, AccountSteps.DemoOwnerEmail, AccountSteps.DemoOwnerPassword);
        await admin.GotoAsync("/admin/audit");
        await Assertions.Expect(admin.Locator("[data-testid=admin-audit]")).ToContainTextAsync(email);
        await ShotAsync(admin, "admin-audit");
    }
}
