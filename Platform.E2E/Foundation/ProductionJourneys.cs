using System.Net;
using System.Text.RegularExpressions;
using Platform.E2E.Infrastructure;

namespace Platform.E2E.Foundation;

/// <summary>The app as Docker runs it (ASPNETCORE_ENVIRONMENT=Production, Platform:SeedDemo still true in
/// appsettings.json): no demo admin, no dev outbox, and the first admin comes from the setup link in the log.</summary>
public sealed class ProductionApp : IAsyncLifetime
{
    public AppServer App { get; } = new();
    public const string ListedAdmin = "boss@prod.test";

    public ProductionApp()
    {
        App.Environment_["ASPNETCORE_ENVIRONMENT"] = "Production";
        App.Environment_["Platform__AdminEmails__0"] = ListedAdmin;
    }
    public Task InitializeAsync() => App.InitializeAsync();
    public Task DisposeAsync() => App.DisposeAsync();
}

public partial class ProductionJourneys(ProductionApp production, Browser browser) : IClassFixture<ProductionApp>, IClassFixture<Browser>
{
    private AppServer App => production.App;

    [Fact]
    public async Task There_is_no_demo_admin_and_no_dev_outbox()
    {
        using var http = new HttpClient { BaseAddress = new Uri(App.BaseUrl) };
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/dev/outbox")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/dev/outbox?to=owner%40acme.test")).StatusCode);
        Assert.Equal(0L, await App.ScalarAsync("SELECT count(*) FROM main.users WHERE email = @e", ("e", AccountSteps.DemoOwnerEmail)));
        Assert.Contains("Platform:SeedDemo is true but the environment is Production", App.OutputSoFar);
        Assert.DoesNotContain(AccountSteps.DemoOwnerPassword, App.OutputSoFar);
    }

    [Fact]
    public async Task The_setup_link_from_the_log_creates_the_first_admin_once()
    {
        var link = await SetupLinkAsync();
        var page = await browser.NewPageAsync(App);
        await page.GotoAsync(link);
        await page.Locator("#Input\\.Email").FillAsync("operator@prod.test");
        await page.Locator("#Input\\.Password").FillAsync("Str0ng!Passw0rd");
        await page.Locator("#Input\\.ConfirmPassword").FillAsync("Str0ng!Passw0rd");
        await page.Locator("[data-testid=setup-create]").ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/admin"));
        await Browser.ScreenshotAsync(page, "production-setup-admin");
        Assert.Equal(true, await App.ScalarAsync("SELECT is_platform_admin FROM main.users WHERE email = @e", ("e", "operator@prod.test")));
        // (The audit entry is checked in Platform.Tests' AdminSetupTests: audit_log rows are readable by admins only.)

        var stranger = await browser.NewPageAsync(App);
        await stranger.GotoAsync(link);
        await stranger.Locator("[data-testid=setup-invalid]").WaitForAsync();

        // Platform:AdminEmails: a listed address becomes an admin when it registers; the next newcomer does not.
        await RegisterAsync(ProductionApp.ListedAdmin);
        await RegisterAsync("newcomer@prod.test");
        Assert.Equal(true, await App.ScalarAsync("SELECT is_platform_admin FROM main.users WHERE email = @e", ("e", ProductionApp.ListedAdmin)));
        Assert.Equal(false, await App.ScalarAsync("SELECT is_platform_admin FROM main.users WHERE email = @e", ("e", "newcomer@prod.test")));
    }

    private async Task RegisterAsync(string email)
    {
        var page = await browser.NewPageAsync(App);
        await page.GotoAsync("/Account/Register");
        await page.Locator("#Input\\.Email").FillAsync(email);
        await page.Locator("#Input\\.Password").FillAsync("Str0ng!Passw0rd");
        await page.Locator("#Input\\.ConfirmPassword").FillAsync("Str0ng!Passw0rd");
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Register", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/Account/RegisterConfirmation"));
    }

    /// <summary>The link is printed once the server listens; wait for it in the app's output.</summary>
    private async Task<string> SetupLinkAsync()
    {
        for (var i = 0; i < 240; i++)
        {
            var match = SetupLink().Match(App.OutputSoFar);
            if (match.Success) return match.Value;
            await Task.Delay(250);
        }
        throw new TimeoutException("No setup link in the output:\n" + App.OutputSoFar);
    }

    [GeneratedRegex(@"http://127\.0\.0\.1:\d+/setup/[A-Za-z0-9_-]+")]
    private static partial Regex SetupLink();
}
