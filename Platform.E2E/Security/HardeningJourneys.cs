using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Platform.E2E.Infrastructure;

namespace Platform.E2E.Security;

/// <summary>The app with Platform:RequireAdminTwoFactor on (the demo owner is a platform admin without 2FA).</summary>
public sealed class HardenedApp : IAsyncLifetime
{
    public AppServer Server { get; } = new();

    public Task InitializeAsync()
    {
        Server.Environment_["Platform__RequireAdminTwoFactor"] = "true";
        return Server.InitializeAsync();
    }

    public Task DisposeAsync() => Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class HardenedCollection : ICollectionFixture<HardenedApp>, ICollectionFixture<Browser>
{
    public const string Name = "hardened";
}

[Collection(HardenedCollection.Name)]
public class HardeningJourneys(HardenedApp hardened, Browser browser)
{
    private AppServer App => hardened.Server;

    /// <summary>Everything the browser reports: console errors/warnings and uncaught page errors.</summary>
    private static List<string> CollectProblems(IPage page)
    {
        var problems = new List<string>();
        page.Console += (_, m) => { if (m.Type is "error" or "warning") lock (problems) problems.Add($"{m.Type}: {m.Text}"); };
        page.PageError += (_, e) => { lock (problems) problems.Add("pageerror: " + e); };
        return problems;
    }

    private static bool IsCspViolation(string problem) =>
        problem.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || problem.Contains("Refused to", StringComparison.Ordinal);

    [Fact]
    public async Task Login_home_and_chat_work_under_the_content_security_policy_without_a_single_violation()
    {
        var page = await browser.NewPageAsync(App);
        var problems = CollectProblems(page);

        var login = await page.GotoAsync("/Account/Login");
        var csp = await login!.HeaderValueAsync("content-security-policy");
        Assert.NotNull(csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.Equal("nosniff", await login.HeaderValueAsync("x-content-type-options"));

        await AccountSteps.SignInAsync(page, AccountSteps.DemoOwnerEmail, AccountSteps.DemoOwnerPassword);
        await page.GotoAsync("/");
        await page.GotoAsync("/w/acme/chat");
        // The composer is ready only once the circuit (WebSocket + blazor.web.js + MudBlazor.js) is interactive.
        await page.Locator("[data-testid=composer][data-ready=true]").WaitForAsync();
        await page.Locator("[data-testid=composer-input]").FillAsync("How many days of paid leave do we get?");
        await page.Locator("[data-testid=composer-input]").PressAsync("Enter");
        var answer = page.Locator("[data-testid=message][data-role=assistant]").Last;
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-status", "complete", new() { Timeout = 60_000 });
        await answer.Locator("[data-testid=citation]").First.ClickAsync(); // sanitized markdown, interactive
        await Assertions.Expect(page.Locator("[data-testid=citation-passage]")).ToContainTextAsync("28 days of paid leave");
        await Browser.ScreenshotAsync(page, "security-csp-chat");

        lock (problems) Assert.DoesNotContain(problems, IsCspViolation);
    }

    [Fact]
    public async Task An_admin_without_two_factor_is_sent_from_the_admin_console_to_set_it_up()
    {
        var page = await browser.NewPageAsync(App);
        await AccountSteps.SignInAsync(page, AccountSteps.DemoOwnerEmail, AccountSteps.DemoOwnerPassword);

        await page.GotoAsync("/admin");
        await page.WaitForURLAsync(new Regex("/Account/Manage/TwoFactorAuthentication\\?reason=admin"));
        await Assertions.Expect(page.Locator("[data-testid=admin-2fa-required]")).ToContainTextAsync("requires two-factor authentication");
        await Browser.ScreenshotAsync(page, "security-admin-2fa-required");

        // Every admin page, not only the console's front door.
        await page.GotoAsync("/admin/costs");
        await page.WaitForURLAsync(new Regex("/Account/Manage/TwoFactorAuthentication\\?reason=admin"));
        await Assertions.Expect(page.GetByText("Platform costs")).ToHaveCountAsync(0);
    }
}
