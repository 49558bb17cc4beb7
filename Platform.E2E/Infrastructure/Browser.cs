using Microsoft.Playwright;

namespace Platform.E2E.Infrastructure;

/// <summary>Debian's Chromium driven by Playwright (its own browser download does not work here).</summary>
public sealed class Browser : IAsyncLifetime
{
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Chromium { get; private set; } = null!;

    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Chromium = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("PLATFORM_CHROMIUM") ?? "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic",
            ],
        });
        Directory.CreateDirectory(ScreenshotFolder);
        // The machine is small and shared: give assertions the same patience as actions (see NewPageAsync).
        Assertions.SetDefaultExpectTimeout(45_000);
    }

    /// <summary>A fresh browser context (own cookies) and page.</summary>
    public async Task<IPage> NewPageAsync(AppServer app)
    {
        var context = await Chromium.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseUrl, ViewportSize = new ViewportSize { Width = 1366, Height = 850 },
        });
        // Waits are "eventually", not speed checks (the benchmarks measure speed): on a 2-core CI machine under load a
        // registration (password hashing, the outbox, a mail round trip) has run past 20 s, so every wait gets 45 s.
        context.SetDefaultTimeout(45_000);
        return await context.NewPageAsync();
    }

    /// <summary>Waits until the page's circuit is live (the layout marks <c>&lt;html data-interactive&gt;</c>). A page
    /// re-renders when its circuit starts after prerendering; a click on prerendered markup in that moment can land on
    /// an element that is being replaced and be lost.</summary>
    public static Task InteractiveAsync(IPage page) =>
        page.Locator("html[data-interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });

    /// <summary>The same page in the dark theme: toggles it, takes the screenshot and toggles back (the choice is
    /// saved for the user, and other journeys' screenshots are light).</summary>
    public static async Task ScreenshotDarkAsync(IPage page, string name)
    {
        const string Background = "() => getComputedStyle(document.body).backgroundColor";
        var light = await page.EvaluateAsync<string>(Background);
        var toggle = page.Locator("[data-testid=theme-toggle]");
        await toggle.ClickAsync();
        await page.WaitForFunctionAsync($"light => ({Background})() !== light", light);
        await ScreenshotAsync(page, name);
        await toggle.ClickAsync();
        await page.WaitForFunctionAsync($"light => ({Background})() === light", light);
    }

    public async Task DisposeAsync()
    {
        await Chromium.DisposeAsync();
        Playwright.Dispose();
    }
}
