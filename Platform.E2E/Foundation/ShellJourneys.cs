using Microsoft.Playwright;
using Platform.E2E.Infrastructure;

namespace Platform.E2E.Foundation;

[Collection(PlatformCollection.Name)]
public class ShellJourneys(AppServer app, Browser browser)
{
    [Fact]
    public async Task A_new_person_registers_confirms_signs_in_and_reaches_the_shell()
    {
        var page = await browser.NewPageAsync(app);
        var email = $"newcomer-{Guid.NewGuid():N}@example.test";

        await AccountSteps.RegisterAndConfirmAsync(page, email, "Str0ng!Passw0rd", "foundation-register");

        // Signed in, with no workspace yet: the shell shows their account and leads them to create one.
        await page.Locator("[data-testid=user-menu]").WaitForAsync();
        await page.WaitForURLAsync(url => url.Contains("/onboarding"));
        await Browser.ScreenshotAsync(page, "foundation-register-3-shell");
        Assert.Equal(1L, await app.ScalarAsync("SELECT count(*) FROM main.users WHERE email = @e AND email_confirmed", ("e", email)));
    }

    [Fact]
    public async Task The_demo_owner_signs_in_and_sees_Acme()
    {
        var page = await browser.NewPageAsync(app);
        await AccountSteps.SignInAsync(page, AccountSteps.DemoOwnerEmail, AccountSteps.DemoOwnerPassword);

        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = "Open" }).First.ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/w/acme/chat"));
        await Assertions.Expect(page.Locator("[data-testid=nav-workspace-name]")).ToHaveTextAsync("Acme");
        await Assertions.Expect(page.Locator("[data-testid=workspace-switcher-button]")).ToContainTextAsync("Acme");
        await Assertions.Expect(page.Locator("[data-testid=workspace-title]")).ToHaveTextAsync("Acme");
        // Wait until every loading bar on the page is gone before the screenshot.
        await Assertions.Expect(page.Locator(".mud-progress-linear")).ToHaveCountAsync(0);
        await Browser.ScreenshotAsync(page, "foundation-demo-owner-acme");

        await page.GotoAsync("/w/acme/documents");
        await Assertions.Expect(page.Locator("[data-testid=documents-table]")).ToContainTextAsync("Acme employee handbook");
        await Browser.ScreenshotAsync(page, "foundation-demo-documents");
    }

    [Fact]
    public async Task The_workspace_switcher_opens_on_a_mouse_click()
    {
        var page = await browser.NewPageAsync(app);
        await AccountSteps.SignInAsync(page, AccountSteps.DemoOwnerEmail, AccountSteps.DemoOwnerPassword);
        await page.GotoAsync("/w/acme/chat");
        await Assertions.Expect(page.Locator("[data-testid=workspace-switcher-button]")).ToContainTextAsync("Acme");
        await page.Locator("[data-testid=composer][data-ready=true]").WaitForAsync(); // the circuit is interactive

        // A real mouse click at the button's centre (only the keyboard's Enter used to open it).
        var box = await page.Locator("[data-testid=workspace-switcher-button]").BoundingBoxAsync();
        Assert.NotNull(box);
        await page.Mouse.ClickAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
        var create = page.GetByRole(AriaRole.Menuitem, new() { Name = "Create a workspace" });
        await Assertions.Expect(create).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(page, "foundation-workspace-switcher-open");
        await page.GetByRole(AriaRole.Menuitem).Filter(new() { HasText = "Acme" }).First.ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/w/acme/chat"));
    }

    [Fact]
    public async Task Settings_and_admin_tabs_have_addresses_that_survive_a_reload()
    {
        var page = await browser.NewPageAsync(app);
        await AccountSteps.SignInAsync(page, AccountSteps.DemoOwnerEmail, AccountSteps.DemoOwnerPassword);

        await page.GotoAsync("/w/acme/settings"); // the old address still opens the first tab
        var settingsTabs = page.Locator("[data-testid=settings-tabs]");
        await Assertions.Expect(settingsTabs.Locator(".mud-tab-active")).ToHaveTextAsync("General");
        await settingsTabs.Locator(".mud-tab", new() { HasText = "AI providers" }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/w/acme/settings/ai"));
        await page.ReloadAsync();
        await Assertions.Expect(settingsTabs.Locator(".mud-tab-active")).ToHaveTextAsync("AI providers");
        // Back is a client-side navigation (no load event to wait for): wait for the tab instead.
        await page.GoBackAsync(new() { WaitUntil = WaitUntilState.Commit });
        await Assertions.Expect(settingsTabs.Locator(".mud-tab-active")).ToHaveTextAsync("General");

        await page.GotoAsync("/admin");
        var adminTabs = page.Locator("[data-testid=admin-tabs]");
        await Assertions.Expect(adminTabs.Locator(".mud-tab-active")).ToHaveTextAsync("Workspaces");
        await adminTabs.Locator(".mud-tab", new() { HasText = "Audit log" }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/admin/audit"));
        await page.ReloadAsync();
        await Assertions.Expect(adminTabs.Locator(".mud-tab-active")).ToHaveTextAsync("Audit log");
        await Assertions.Expect(page.Locator("[data-testid=admin-audit] tbody tr").First).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(page, "foundation-admin-audit");
        await Browser.ScreenshotDarkAsync(page, "foundation-admin-audit-dark");

        // The cost view across workspaces is reachable from the console.
        await page.Locator("[data-testid=admin-costs-link]").ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/admin/costs"));
    }

    [Fact]
    public async Task Home_leads_back_into_the_latest_chat_and_each_workspaces_recent_chats()
    {
        var page = await browser.NewPageAsync(app);
        await AccountSteps.SignInAsync(page, AccountSteps.DemoOwnerEmail, AccountSteps.DemoOwnerPassword);
        await page.GotoAsync("/w/acme/chat");
        await page.Locator("[data-testid=composer][data-ready=true]").WaitForAsync();
        var question = "Where do I report a lost laptop " + Guid.NewGuid().ToString("N")[..6] + "?";
        await page.Locator("[data-testid=composer-input]").FillAsync(question);
        await page.Locator("[data-testid=composer-input]").PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/w/acme/chat/[0-9a-f-]{36}$"));
        var chatPath = new Uri(page.Url).AbsolutePath;
        await Assertions.Expect(page.Locator("[data-testid=message][data-role=assistant]").Last)
            .ToHaveAttributeAsync("data-status", "complete", new() { Timeout = 60_000 });

        await page.GotoAsync("/");
        var acme = page.Locator("[data-testid=home-workspace]", new() { HasText = "Acme" });
        await Assertions.Expect(acme.Locator("[data-testid=home-recent-chat]").First).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=home-continue]")).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(page, "foundation-home");
        await Browser.ScreenshotDarkAsync(page, "foundation-home-dark");
        await page.Locator("[data-testid=home-continue-open]").ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith(chatPath));
    }

    [Fact]
    public async Task An_unknown_workspace_slug_answers_not_found()
    {
        var page = await browser.NewPageAsync(app);
        await AccountSteps.SignInAsync(page, AccountSteps.DemoOwnerEmail, AccountSteps.DemoOwnerPassword);
        await page.GotoAsync("/w/no-such-workspace/chat");
        await Assertions.Expect(page.Locator("[data-testid=workspace-not-found]")).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(page, "foundation-unknown-slug");
    }

    [Fact]
    public async Task Health_reports_the_main_database()
    {
        using var http = new HttpClient();
        var body = await http.GetStringAsync(app.BaseUrl + "/health");
        Assert.Equal("Healthy", body);
    }
}
