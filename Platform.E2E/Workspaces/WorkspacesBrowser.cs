using Microsoft.Playwright;

namespace Platform.E2E.Workspaces;

/// <summary>
/// Runs only when PLATFORM_E2E_URL names a running app (e.g. http://127.0.0.1:5101), until these journeys move
/// onto the shared E2E infrastructure (which starts the app itself).
/// </summary>
public sealed class E2EFactAttribute : FactAttribute
{
    public E2EFactAttribute()
    {
        if (string.IsNullOrEmpty(WorkspacesBrowser.BaseUrl)) Skip = "Set PLATFORM_E2E_URL to a running Platform app.";
    }
}

/// <summary>Headless Debian Chromium, the steps people take (register, confirm, sign in), and screenshots.</summary>
public sealed class WorkspacesBrowser : IAsyncDisposable
{
    public static readonly string? BaseUrl = Environment.GetEnvironmentVariable("PLATFORM_E2E_URL")?.TrimEnd('/');
    public const string Password = "Journey!Passw0rd";
    public static readonly string ScreenshotDir = Path.Combine(AppContext.BaseDirectory, "screenshots", "workspaces");

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private WorkspacesBrowser(IPlaywright playwright, IBrowser browser) => (_playwright, _browser) = (playwright, browser);

    public static async Task<WorkspacesBrowser> StartAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium", Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        Directory.CreateDirectory(ScreenshotDir);
        return new WorkspacesBrowser(playwright, browser);
    }

    /// <summary>A fresh browser profile (one person).</summary>
    public async Task<IPage> NewPersonAsync()
    {
        var context = await _browser.NewContextAsync(new() { BaseURL = BaseUrl + "/", ViewportSize = new() { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(20_000);
        return await context.NewPageAsync();
    }

    public static string NewEmail(string who) => $"{who}-{Guid.NewGuid():N}"[..20] + "@journey.test";

    /// <summary>Registers, confirms through the development outbox, and signs in (landing on <paramref name="returnUrl"/>).</summary>
    public static async Task RegisterAndSignInAsync(IPage page, string email, string? returnUrl = null)
    {
        await page.GotoAsync("Account/Register" + (returnUrl is null ? "" : $"?returnUrl={Uri.EscapeDataString(returnUrl)}"));
        await page.FillAsync("#Input\\.Email", email);
        await page.FillAsync("#Input\\.Password", Password);
        await page.FillAsync("#Input\\.ConfirmPassword", Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register", Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/RegisterConfirmation**");
        await page.GotoAsync($"dev/outbox?to={Uri.EscapeDataString(email)}");
        await page.GetByText("clicking here").First.ClickAsync();
        await page.GetByText("Thank you for confirming your email").WaitForAsync();
        await SignInAsync(page, email, Password, returnUrl);
    }

    public static async Task SignInAsync(IPage page, string email, string password, string? returnUrl = null)
    {
        await page.GotoAsync("Account/Login" + (returnUrl is null ? "" : $"?returnUrl={Uri.EscapeDataString(returnUrl)}"));
        await page.FillAsync("#Input\\.Email", email);
        await page.FillAsync("#Input\\.Password", password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login"));
    }

    /// <summary>The input behind a MudBlazor field, wherever the data-testid landed (input or its wrapper).</summary>
    public static ILocator Field(IPage page, string testId) =>
        page.Locator($"input[data-testid={testId}], textarea[data-testid={testId}], [data-testid={testId}] input, [data-testid={testId}] textarea").First;

    public static Task ShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotDir, name + ".png"), FullPage = true });

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}
