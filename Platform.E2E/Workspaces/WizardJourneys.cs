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
        await Assertions.Expect(page.Locator("[data-testid=knowledge-sample]")).ToBeDisabledAsync();
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
        await invitee.GotoAsync(path);
        await invitee.Locator("[data-testid=invite-accept]").ClickAsync();
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

[Collection(PlatformCollection.Name)]
public class OwnDatabaseJourney(AppServer app, Browser browser)
{
    private static readonly string OwnerCs = AppServer.OwnerTemplate;

    /// <summary>The wizard with "our own PostgreSQL database": a fresh database on the shared cluster, owned by
    /// a non-superuser role (pgvector comes from template1).</summary>
    [Fact]
    public async Task A_new_user_connects_their_own_database_in_the_wizard()
    {
        var b = new Npgsql.NpgsqlConnectionStringBuilder(OwnerCs) { Database = "postgres", Pooling = false };
        var database = "e2e_own_" + Guid.NewGuid().ToString("N")[..8];
        await using (var c = new Npgsql.NpgsqlConnection(b.ConnectionString))
        {
            await c.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand($"CREATE DATABASE {database}", c);
            await cmd.ExecuteNonQueryAsync();
        }
        try
        {
            await ConnectInWizardAsync(b, database);
        }
        finally
        {
            await using var c = new Npgsql.NpgsqlConnection(b.ConnectionString);
            await c.OpenAsync();
            await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", c);
            await drop.ExecuteNonQueryAsync();
        }
    }

    private async Task ConnectInWizardAsync(Npgsql.NpgsqlConnectionStringBuilder b, string database)
    {
        var page = await browser.NewPageAsync(app);
        await AccountSteps.RegisterAndConfirmAsync(page, NewEmail("owndb"), Password);
        await page.GotoAsync("/");
        await page.WaitForURLAsync("**/onboarding**");
        await Field(page, "ws-name").FillAsync("Own DB " + database[^6..]);
        await Assertions.Expect(page.Locator("[data-testid=ws-continue]")).ToBeEnabledAsync();
        await page.Locator("[data-testid=ws-continue]").ClickAsync();

        await page.GetByText("Our own PostgreSQL database").ClickAsync();
        await Field(page, "db-host").FillAsync(b.Host!);
        await Field(page, "db-port").FillAsync(b.Port.ToString());
        await Field(page, "db-name").FillAsync(database);
        await Field(page, "db-user").FillAsync(b.Username!);
        await Field(page, "db-password").FillAsync(b.Password!);
        await page.Locator("[data-testid=db-test]").ClickAsync();
        await page.Locator("[data-testid=db-test-ok]").WaitForAsync();
        await ShotAsync(page, "wizard-2-data-own-database-tested");
        await page.Locator("[data-testid=db-connect]").ClickAsync();
        await page.Locator("[data-testid=ai-continue]").WaitForAsync(new() { Timeout = 60_000 });
        await page.Locator("[data-testid=ai-continue]").ClickAsync();
        await page.Locator("[data-testid=invites-continue]").ClickAsync();
        await page.Locator("[data-testid=knowledge-sample]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=knowledge-sample]")).ToBeDisabledAsync();
        await page.Locator("[data-testid=wizard-finish]").ClickAsync();
        await page.WaitForURLAsync("**/chat");

        await using (var c = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(b.ConnectionString) { Database = database }.ConnectionString))
        {
            await c.OpenAsync();
            // The owner role owns the tables but FORCE RLS applies to it: without a tenant set it sees nothing…
            await using var forced = new Npgsql.NpgsqlCommand("SELECT count(*) FROM tenant.documents", c);
            Assert.Equal(0L, await forced.ExecuteScalarAsync());
            await using var exists = new Npgsql.NpgsqlCommand("SELECT count(*) FROM pg_class WHERE relname = 'documents' AND relforcerowsecurity", c);
            Assert.Equal(1L, await exists.ExecuteScalarAsync());
        }
        await page.GotoAsync(new Uri(page.Url).AbsolutePath.Replace("/chat", "/settings/data"));
        await page.Locator("[data-testid=data-status]").WaitForAsync();
        await ShotAsync(page, "settings-data-own-database");
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
