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
