using Microsoft.Playwright;
using static Platform.E2E.Workspaces.WorkspacesBrowser;

namespace Platform.E2E.Workspaces;

public class WizardJourneys
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
        await page.Locator("[data-testid=knowledge-sample]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=knowledge-sample]")).ToBeDisabledAsync();
        if (screenshots) await ShotAsync(page, "wizard-5-knowledge");
        await page.Locator("[data-testid=wizard-finish]").ClickAsync();
        await page.WaitForURLAsync($"**/w/{slugValue}/chat");
        return slugValue;
    }

    [E2EFact]
    public async Task A_new_user_completes_the_wizard_on_the_platform_database_and_lands_in_chat()
    {
        await using var browser = await StartAsync();
        var page = await browser.NewPersonAsync();
        await RegisterAndSignInAsync(page, NewEmail("wizard"));
        await page.GotoAsync("");
        var slug = await CompleteWizardAsync(page, "Journey Lab " + Guid.NewGuid().ToString("N")[..6], screenshots: true);
        await ShotAsync(page, "wizard-6-chat");
        Assert.EndsWith($"/w/{slug}/chat", page.Url);
    }

    [E2EFact]
    public async Task An_owner_invites_a_second_user_who_accepts_and_sees_the_workspace()
    {
        await using var browser = await StartAsync();
        var owner = await browser.NewPersonAsync();
        await RegisterAndSignInAsync(owner, NewEmail("owner"));
        await owner.GotoAsync("");
        var slug = await CompleteWizardAsync(owner, "Invite Co " + Guid.NewGuid().ToString("N")[..6], screenshots: false);

        var inviteeEmail = NewEmail("invitee");
        await owner.GotoAsync($"w/{slug}/settings/invites");
        await Field(owner, "invite-emails").FillAsync(inviteeEmail);
        await owner.Locator("[data-testid=invite-send]").ClickAsync();
        var link = await owner.Locator("[data-testid=invite-link] code").InnerTextAsync();
        await ShotAsync(owner, "settings-invites");

        var invitee = await browser.NewPersonAsync();
        var path = new Uri(link).AbsolutePath;
        await invitee.GotoAsync(path.TrimStart('/'));
        await invitee.Locator("[data-testid=invite-register]").WaitForAsync();
        await ShotAsync(invitee, "invite-signed-out");
        await RegisterAndSignInAsync(invitee, inviteeEmail, returnUrl: path);
        await invitee.Locator("[data-testid=invite-accept]").ClickAsync();
        await invitee.WaitForURLAsync($"**/w/{slug}/chat");

        await owner.GotoAsync($"w/{slug}/settings/members");
        await Assertions.Expect(owner.Locator("[data-testid=members-table]")).ToContainTextAsync(inviteeEmail);
        await ShotAsync(owner, "settings-members");
    }

    [E2EFact]
    public async Task An_admin_suspends_a_workspace_and_its_open_tabs_are_locked_out()
    {
        await using var browser = await StartAsync();
        var member = await browser.NewPersonAsync();
        await RegisterAndSignInAsync(member, NewEmail("suspended"));
        await member.GotoAsync("");
        var slug = await CompleteWizardAsync(member, "Suspend Me " + Guid.NewGuid().ToString("N")[..6], screenshots: false);
        await member.GotoAsync($"w/{slug}/settings");
        await member.Locator("[data-testid=settings-tabs]").WaitForAsync();

        var admin = await browser.NewPersonAsync();
        await SignInAsync(admin, "owner@acme.test", "Demo!Passw0rd");
        await admin.GotoAsync("admin");
        await Field(admin, "admin-search").FillAsync(slug);
        await admin.Locator($"[data-testid=suspend-{slug}]").ClickAsync();
        await Assertions.Expect(admin.Locator($"[data-testid=reactivate-{slug}]")).ToBeVisibleAsync();
        await ShotAsync(admin, "admin-workspaces");

        // The member's open tab notices within the re-check interval, without a reload.
        await member.Locator("[data-testid=workspace-suspended]").WaitForAsync(new() { Timeout = 60_000 });
        await ShotAsync(member, "member-suspended");
    }
}

public class OwnDatabaseJourney
{
    private static readonly string OwnerCs = Environment.GetEnvironmentVariable("Database__MainOwner")
        ?? "Host=127.0.0.1;Port=55432;Database=postgres;Username=platform_owner;Password=platform_owner_dev";

    /// <summary>The wizard with "our own PostgreSQL database": a fresh database on the shared cluster, owned by
    /// a non-superuser role (pgvector comes from template1).</summary>
    [E2EFact]
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
        await using var browser = await WorkspacesBrowser.StartAsync();
        var page = await browser.NewPersonAsync();
        await WorkspacesBrowser.RegisterAndSignInAsync(page, WorkspacesBrowser.NewEmail("owndb"));
        await page.GotoAsync("");
        await page.WaitForURLAsync("**/onboarding**");
        await WorkspacesBrowser.Field(page, "ws-name").FillAsync("Own DB " + database[^6..]);
        await Assertions.Expect(page.Locator("[data-testid=ws-continue]")).ToBeEnabledAsync();
        await page.Locator("[data-testid=ws-continue]").ClickAsync();

        await page.GetByText("Our own PostgreSQL database").ClickAsync();
        await WorkspacesBrowser.Field(page, "db-host").FillAsync(b.Host!);
        await WorkspacesBrowser.Field(page, "db-port").FillAsync(b.Port.ToString());
        await WorkspacesBrowser.Field(page, "db-name").FillAsync(database);
        await WorkspacesBrowser.Field(page, "db-user").FillAsync(b.Username!);
        await WorkspacesBrowser.Field(page, "db-password").FillAsync(b.Password!);
        await page.Locator("[data-testid=db-test]").ClickAsync();
        await page.Locator("[data-testid=db-test-ok]").WaitForAsync();
        await WorkspacesBrowser.ShotAsync(page, "wizard-2-data-own-database-tested");
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
        await page.GotoAsync(page.Url.Replace("/chat", "/settings/data"));
        await page.Locator("[data-testid=data-status]").WaitForAsync();
        await WorkspacesBrowser.ShotAsync(page, "settings-data-own-database");
    }
}

public class AuditJourneys
{
    [E2EFact]
    public async Task A_failed_sign_in_appears_in_the_admin_audit_log()
    {
        await using var browser = await WorkspacesBrowser.StartAsync();
        var stranger = await browser.NewPersonAsync();
        var email = WorkspacesBrowser.NewEmail("nobody");
        await stranger.GotoAsync("Account/Login");
        await stranger.FillAsync("#Input\\.Email", email);
        await stranger.FillAsync("#Input\\.Password", "wrong-password");
        await stranger.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        await stranger.GetByText("Invalid login attempt").WaitForAsync();

        var admin = await browser.NewPersonAsync();
        await WorkspacesBrowser.SignInAsync(admin, "owner@acme.test", "Demo!Passw0rd");
        await admin.GotoAsync("admin/audit");
        await Assertions.Expect(admin.Locator("[data-testid=admin-audit]")).ToContainTextAsync(email);
        await WorkspacesBrowser.ShotAsync(admin, "admin-audit");
    }
}
