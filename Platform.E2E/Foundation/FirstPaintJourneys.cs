using System.Text.Json;
using Microsoft.Playwright;
using Platform.E2E.Infrastructure;

namespace Platform.E2E.Foundation;

/// <summary>
/// Pages show content fast (issue 14): the server's first HTML already holds each page's content (or a skeleton
/// where forms must wait for the circuit), and the content prerendering put on screen stays there while the circuit
/// starts — pages hand their data and the workspace check to the circuit instead of blanking to a progress bar and
/// loading everything again. Asserts the behaviour, not timings.
/// </summary>
[Collection(PlatformCollection.Name)]
public class FirstPaintJourneys(AppServer app, Browser browser)
{
    // Runs before the page's scripts, on every navigation: counts how often the page's named content went away.
    private const string Watcher = """
        (map) => {
          const sel = map[location.pathname];
          const s = { shown: false, gone: 0, changed: 0 };
          window.__content = s;
          if (!sel) return;
          const has = () => [...document.querySelectorAll(sel)].some(e => e.getClientRects().length > 0 && (e.innerText || '').trim().length > 0);
          new MutationObserver(() => {
            s.changed = performance.now();
            const now = has();
            if (now && !s.shown) s.shown = true; else if (!now && s.shown) { s.shown = false; s.gone++; }
          }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
        }
        """;

    private static readonly Dictionary<string, string> Content = new()
    {
        ["/"] = "[data-testid=home-workspace]",
        ["/w/acme/documents"] = "[data-testid=document-status]",
        ["/w/acme/chat"] = "[data-testid=chat-empty]",
        ["/w/acme/costs"] = "[data-testid=costs-total], [data-testid=costs-empty]",
    };

    [Fact]
    public async Task Prerendered_content_is_in_the_first_HTML_and_stays_on_screen_when_the_circuit_starts()
    {
        var page = await browser.NewPageAsync(app);
        await AccountSteps.SignInAsync(page, AccountSteps.DemoOwnerEmail, AccountSteps.DemoOwnerPassword);
        await page.Context.AddInitScriptAsync($"({Watcher})({JsonSerializer.Serialize(Content)})");

        foreach (var (path, selector) in Content)
        {
            var html = await (await page.Context.APIRequest.GetAsync(path)).TextAsync();
            var testIds = selector.Split(", ").Select(s => s.Replace("[data-testid=", "data-testid=\"").Replace("]", "\""));
            Assert.True(testIds.Any(html.Contains), $"{path}: the first HTML holds no {selector}");

            await page.GotoAsync(path);
            // Interactive (the layout marks <html data-interactive>), the content on screen, and the page settled.
            await page.WaitForFunctionAsync("""
                () => document.documentElement.hasAttribute('data-interactive') && window.__content.shown
                      && performance.now() - window.__content.changed > 500
                """, null, new() { PollingInterval = 100, Timeout = 30_000 });
            Assert.Equal(0, await page.EvaluateAsync<int>("() => window.__content.gone"));
        }
        await Browser.ScreenshotAsync(page, "first-paint-costs-interactive");
    }

    [Fact]
    public async Task Settings_and_admin_paint_a_skeleton_first_then_their_forms()
    {
        var page = await browser.NewPageAsync(app);
        await AccountSteps.SignInAsync(page, AccountSteps.DemoOwnerEmail, AccountSteps.DemoOwnerPassword);

        foreach (var (path, content) in new[] { ("/w/acme/settings", "[data-testid=general-name]"), ("/admin", "[data-testid=admin-workspaces]") })
        {
            var html = await (await page.Context.APIRequest.GetAsync(path)).TextAsync();
            Assert.Contains("data-testid=\"page-skeleton\"", html);
            Assert.Contains("mud-skeleton", html);

            await page.GotoAsync(path);
            await page.Locator(content).First.WaitForAsync();
            await Assertions.Expect(page.Locator("[data-testid=page-skeleton]")).ToHaveCountAsync(0);
        }
    }
}
