using System.Globalization;
using Microsoft.Playwright;

namespace Platform.Bench.Ui;

/// <summary>
/// `./platform bench ui [--loads N] [--screenshots | --screenshots-only]`: the real app (its own database, the demo workspace filled by
/// <see cref="UiSeed"/>) in Debian's Chromium. Every page is loaded N times (after 2 warm-ups), round-robin so noise
/// spreads evenly, each load a fresh document (new circuit) as a reload or an opened link would be. Per load:
/// first contentful paint, and time-to-content: when the page's named element showed real data for the last
/// time it appeared (content that flashes away while the circuit starts counts from its return), once the circuit
/// is interactive and the page went quiet. Also whether the server's first HTML (what the first paint shows)
/// already holds the content or a skeleton. TARGETs: each page's time-to-content p50 ≤ 1.5 × the home page's; a
/// skeleton or content in every page's first paint. With --screenshots, the README's pictures (light theme) go to
/// docs/screenshots/ and dark variants to .data/screenshots/ (to look at, not committed).
/// </summary>
public sealed class UiBench : IBenchmark
{
    public string Name => "ui";

    private sealed record PageUnderTest(string Name, string Path, string TestId, string Selector);

    private sealed record Load(double FirstPaint, double ContentFirst, double ContentStable, int Flickers);

    public async Task RunAsync(string[] args, BenchReport report)
    {
        var loads = Math.Max(10, BenchDatabase.Option(args, "--loads", 10));
        var database = await BenchDatabase.CreateAsync("ui");
        try
        {
            await using var app = await UiApp.StartAsync(database);
            var seeded = await UiSeed.RunAsync(database, report, documents: 500, chats: 200, messagesPerChat: 20, costEvents: 100_000);
            PageUnderTest[] pages =
            [
                new("home", "/", "home-workspace", "[data-testid=home-workspace]"),
                new("chat", $"/w/acme/chat/{seeded.NewestChatId}", "message", "[data-testid=message]"),
                new("documents", "/w/acme/documents", "document-status", "[data-testid=document-status]"),
                new("search", "/w/acme/documents/search?q=paid%20leave", "search-result", "[data-testid=search-result]"),
                new("costs", "/w/acme/costs", "costs-total", "[data-testid=costs-total]"),
                new("settings", "/w/acme/settings", "general-name", "[data-testid=general-name]"),
                new("admin", "/admin", "admin-workspaces", "[data-testid=admin-workspaces] td"),
            ];

            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = Environment.GetEnvironmentVariable("PLATFORM_CHROMIUM") ?? "/usr/bin/chromium",
                Headless = true,
                Args =
                [
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-quic",
                ],
            });
            var signedIn = await SignInAsync(browser, app.BaseUrl);
            report.Note($"ui bench: {pages.Length} pages × {loads} loads (+2 warm-up each), Chromium headless 1366×850, signed in as the demo owner");

            var tabs = new Dictionary<string, IPage>();
            foreach (var p in pages) tabs[p.Name] = await OpenTabAsync(browser, app.BaseUrl, signedIn, p.Selector);
            if (args.Contains("--screenshots-only"))
            {
                await ScreenshotsAsync(tabs, seeded);
                return;
            }
            var measured = pages.ToDictionary(p => p.Name, _ => new List<Load>());
            for (var round = 0; round < loads + 2; round++)
                foreach (var p in pages)
                {
                    Load load;
                    try { load = await MeasureAsync(tabs[p.Name], p); }
                    catch (TimeoutException e)
                    {
                        var shot = Path.Combine(Environment.GetEnvironmentVariable("PLATFORM_ROOT") ?? ".", ".data", $"ui-bench-{p.Name}-timeout.png");
                        await tabs[p.Name].ScreenshotAsync(new() { Path = shot, FullPage = true });
                        var state = await tabs[p.Name].EvaluateAsync<string>("() => JSON.stringify({ ttc: window.__ttc, now: performance.now(), interactive: document.documentElement.getAttribute('data-interactive') })");
                        Console.Error.WriteLine($"{p.Name}: {state}");
                        throw new TimeoutException($"{p.Name} ({p.Path}) did not show {p.Selector} interactively (screenshot {shot}); app log:\n{app.Output[^Math.Min(4000, app.Output.Length)..]}", e);
                    }
                    if (round >= 2) measured[p.Name].Add(load);
                }

            var home = P(measured["home"].Select(l => l.ContentStable), 50);
            foreach (var p in pages)
            {
                var m = measured[p.Name];
                var firstHtml = await FirstHtmlAsync(tabs[p.Name], p);
                report.Note(string.Create(CultureInfo.InvariantCulture,
                    $"{p.Name,-9} first paint p50={P(m.Select(l => l.FirstPaint), 50),6:0} ms p95={P(m.Select(l => l.FirstPaint), 95),6:0} ms | " +
                    $"content p50={P(m.Select(l => l.ContentStable), 50),6:0} ms p95={P(m.Select(l => l.ContentStable), 95),6:0} ms " +
                    $"(first seen p50={P(m.Select(l => l.ContentFirst), 50):0} ms, flashed away in {m.Count(l => l.Flickers > 0)}/{m.Count} loads) | " +
                    $"first HTML: {firstHtml}"));
                if (p.Name != "home")
                {
                    var ratio = P(m.Select(l => l.ContentStable), 50) / home;
                    report.Target($"ui_{p.Name}_content_p50_vs_home", ratio, "<=1.5", ratio <= 1.5);
                }
                report.Target($"ui_{p.Name}_first_paint_has_content_or_skeleton", firstHtml == "none" ? 0 : 1, "=1", firstHtml != "none");
            }

            if (args.Contains("--screenshots")) await ScreenshotsAsync(tabs, seeded);
        }
        finally
        {
            await BenchDatabase.DropAsync(database);
        }
    }

    private static async Task<string> SignInAsync(IBrowser browser, string baseUrl)
    {
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.Locator("#Input\\.Email").FillAsync("owner@acme.test");
        await page.Locator("#Input\\.Password").FillAsync("Demo!Passw0rd");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login"));
        return await context.StorageStateAsync();
    }

    /// <summary>A tab of its own per page (own init script), sharing the signed-in cookies.</summary>
    private static async Task<IPage> OpenTabAsync(IBrowser browser, string baseUrl, string storageState, string selector)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl, StorageState = storageState, ViewportSize = new ViewportSize { Width = 1366, Height = 850 },
            ColorScheme = ColorScheme.Light,
        });
        context.SetDefaultTimeout(60_000);
        await context.AddInitScriptAsync(Watcher.Replace("__SELECTOR__", selector.Replace("'", "\\'")));
        return await context.NewPageAsync();
    }

    // Runs before the page's own scripts: watches every DOM change (the parser's too) for the named element with
    // text (or an input's value), visible. Remembers when it first showed, when it last (re)appeared, how often it
    // went away, and the last change at all.
    private const string Watcher = """
        (() => {
          const sel = '__SELECTOR__';
          const s = { first: null, last: null, gone: 0, shown: false, changed: 0 };
          window.__ttc = s;
          const hasContent = () => {
            for (const e of document.querySelectorAll(sel)) {
              if (e.getClientRects().length === 0) continue;
              const inputs = e.tagName === 'INPUT' ? [e] : [...e.querySelectorAll('input')];
              const text = (e.innerText || '') + inputs.map(i => i.value).join('');
              if (text.trim().length > 0) return true;
            }
            return false;
          };
          const tick = () => {
            const now = performance.now();
            s.changed = now;
            const has = hasContent();
            if (has && !s.shown) { s.shown = true; if (s.first === null) s.first = now; s.last = now; }
            else if (!has && s.shown) { s.shown = false; s.gone++; }
          };
          new MutationObserver(tick).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
        })();
        """;

    private static async Task<Load> MeasureAsync(IPage page, PageUnderTest p)
    {
        await page.GotoAsync(p.Path);
        // Interactive (the layout marks it on its first interactive render), content shown, and 500 ms without a change.
        await page.WaitForFunctionAsync("""
            () => window.__ttc && window.__ttc.shown && document.documentElement.hasAttribute('data-interactive')
                  && performance.now() - window.__ttc.changed > 500
            """, null, new() { PollingInterval = 50, Timeout = 60_000 });
        var r = await page.EvaluateAsync<double[]>("""
            () => [performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1,
                   window.__ttc.first, window.__ttc.last, window.__ttc.gone]
            """);
        return new Load(r[0], r[1], r[2], (int)r[3]);
    }

    /// <summary>What the first paint can show: the server's HTML before any script ran.</summary>
    private static async Task<string> FirstHtmlAsync(IPage page, PageUnderTest p)
    {
        var response = await page.Context.APIRequest.GetAsync(p.Path);
        var html = await response.TextAsync();
        if (html.Contains($"data-testid=\"{p.TestId}\"", StringComparison.Ordinal)) return "content";
        return html.Contains("mud-skeleton", StringComparison.Ordinal) ? "skeleton" : "none";
    }

    private static async Task ScreenshotsAsync(Dictionary<string, IPage> tabs, UiSeed.Seeded seeded)
    {
        var root = Environment.GetEnvironmentVariable("PLATFORM_ROOT") ?? ".";
        var light = Path.Combine(root, "docs", "screenshots");
        var dark = Path.Combine(root, ".data", "screenshots");
        Directory.CreateDirectory(light);
        Directory.CreateDirectory(dark);
        foreach (var (name, file) in new[] { ("chat", "chat-with-citations"), ("documents", "documents"), ("costs", "costs") })
        {
            var page = tabs[name];
            await page.GotoAsync(name switch
            {
                "chat" => $"/w/acme/chat/{seeded.NewestChatId}",
                "documents" => "/w/acme/documents",
                _ => "/w/acme/costs",
            });
            await page.WaitForFunctionAsync("() => window.__ttc.shown && document.documentElement.hasAttribute('data-interactive') && performance.now() - window.__ttc.changed > 800",
                null, new() { PollingInterval = 50 });
            if (name == "costs")
            {
                await page.GetByText("30 days", new() { Exact = true }).ClickAsync(); // the seeded history, not just today
                await page.WaitForFunctionAsync("() => performance.now() - window.__ttc.changed > 800", null, new() { PollingInterval = 50 });
            }
            foreach (var (isDark, folder, suffix) in new[] { (false, light, ""), (true, dark, "-dark"), (false, (string?)null, "") })
            {
                await ThemeAsync(page, isDark);
                if (folder is not null) await page.ScreenshotAsync(new() { Path = Path.Combine(folder, file + suffix + ".png") });
            }
        }
    }

    /// <summary>The app bar's toggle until the page is in the wanted theme (the choice is saved for the user).</summary>
    private static async Task ThemeAsync(IPage page, bool dark)
    {
        const string IsDark = "() => { const m = getComputedStyle(document.body).backgroundColor.match(/\\d+/g).map(Number); return m[0] + m[1] + m[2] < 384; }";
        if (await page.EvaluateAsync<bool>(IsDark) == dark) return;
        await page.Locator("[data-testid=theme-toggle]").ClickAsync();
        await page.WaitForFunctionAsync($"() => ({IsDark})() === {(dark ? "true" : "false")}", null, new() { PollingInterval = 50 });
        await page.WaitForTimeoutAsync(400); // the theme's transitions
    }

    private static double P(IEnumerable<double> values, int p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
