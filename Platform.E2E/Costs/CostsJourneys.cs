using Microsoft.Playwright;
using Platform.E2E.Infrastructure;
using Platform.Tests.Infrastructure;

namespace Platform.E2E.Costs;

/// <summary>An app of its own (a pristine, empty dashboard) whose chat talks to a real OpenAI-protocol server on
/// 127.0.0.1 as "gpt-4o", so every answer is a priced call that goes through the budget guard and the recorder.</summary>
public sealed class CostsApp : IAsyncLifetime
{
    public AppServer Server { get; } = new();
    public OpenAiProtocolServer Provider { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        Provider = await OpenAiProtocolServer.StartAsync();
        // 2,000 in + 400 out at gpt-4o prices = $0.009 per answer (titles and suggestions add a little).
        Provider.ChatStream = _ => new OpenAiReply { Tokens = ["Leave", " is", " 28", " days", "."], PromptTokens = 2000, CompletionTokens = 400 };
        Server.Environment_["Ai__Chat__BaseUrl"] = Provider.BaseUrl;
        Server.Environment_["Ai__Chat__Model"] = "gpt-4o";
        Server.Environment_["Ai__Chat__ApiKey"] = "sk-test";
        await Server.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Provider.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class CostsCollection : ICollectionFixture<CostsApp>, ICollectionFixture<Browser>
{
    public const string Name = "costs";
}

[Collection(CostsCollection.Name)]
public class CostsJourneys(CostsApp costsApp, Browser browser)
{
    private AppServer app => costsApp.Server;

    /// <summary>Asks in the open chat and waits for the answer (or the refusal) to finish.</summary>
    private static async Task<ILocator> AskAsync(IPage page, string question, int answerNumber, string status = "complete")
    {
        await page.Locator("[data-testid=composer][data-ready=true]").WaitForAsync();
        var input = page.Locator("[data-testid=composer-input]");
        if (answerNumber > 1) await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/w/acme/chat/[0-9a-f-]{36}$"));
        // The composer is disabled while the previous answer and its follow-ups are generated.
        await Assertions.Expect(input).ToBeEditableAsync(new() { Timeout = 30_000 });
        // …and Enter sends only once Send (not Stop) is offered again: the follow-ups can outlast the answer.
        await Assertions.Expect(page.Locator("[data-testid=send]")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await input.FillAsync(question);
        await input.PressAsync("Enter");
        await Assertions.Expect(page.Locator("[data-testid=message][data-role=user]")).ToHaveCountAsync(answerNumber, new() { Timeout = 30_000 });
        var answers = page.Locator("[data-testid=message][data-role=assistant]");
        await Assertions.Expect(answers).ToHaveCountAsync(answerNumber, new() { Timeout = 30_000 });
        var answer = answers.Nth(answerNumber - 1);
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-status", status, new() { Timeout = 60_000 });
        return answer;
    }

    /// <summary>What the stored events add up to, for the model's calls (inspection as platform admin).</summary>
    private async Task<(long Calls, decimal Usd)> StoredAsync(string model)
    {
        var calls = (long)(await app.ScalarAsync("""
            BEGIN; SET LOCAL app.platform_admin = 'on';
            SELECT count(*) FROM main.cost_events WHERE model = @m; COMMIT;
            """, ("m", model)))!;
        var usd = (decimal)(await app.ScalarAsync("""
            BEGIN; SET LOCAL app.platform_admin = 'on';
            SELECT coalesce(sum(cost_usd), 0) FROM main.cost_events; COMMIT;
            """))!;
        return (calls, usd);
    }

    private static string Usd(decimal value) => value.ToString("$#,##0.00", System.Globalization.CultureInfo.GetCultureInfo("en-US"));

    [Fact]
    public async Task The_owner_sees_spend_gets_blocked_by_a_tiny_budget_and_unblocks_it()
    {
        var page = await browser.NewPageAsync(app);
        await AccountSteps.SignInAsync(page, AccountSteps.DemoOwnerEmail, AccountSteps.DemoOwnerPassword);

        await page.GotoAsync("/w/acme/costs");
        // Before any paid call: the dashboard is empty, or shows only the free offline embedding of the demo
        // document (the ingestion worker records it at $0) — either way no money yet.
        await Assertions.Expect(page.Locator("[data-testid=costs-period]")).ToBeVisibleAsync();
        if (await page.Locator("[data-testid=costs-total]").CountAsync() > 0)
            await Assertions.Expect(page.Locator("[data-testid=costs-total]")).ToHaveTextAsync("$0.00");
        await Browser.ScreenshotAsync(page, "costs-1-empty");

        // Chat a few times through the UI: real calls to the provider, billed by the recorder.
        await page.GotoAsync("/w/acme/chat");
        for (var i = 1; i <= 3; i++)
            await Assertions.Expect(await AskAsync(page, $"How many days of leave? ({i})", i)).ToContainTextAsync("28 days");
        var chatUrl = page.Url;
        await Browser.ScreenshotAsync(page, "costs-1b-chatted");

        // Within a minute (the writer flushes every second) the dashboard shows the stored money exactly.
        await page.GotoAsync("/w/acme/costs");
        var (calls, usd) = (0L, 0m);
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await page.WaitForTimeoutAsync(500))
        {
            (calls, usd) = await StoredAsync("gpt-4o");
            if (calls >= 3 && usd >= 0.027m) break;
        }
        Assert.True(usd >= 0.027m, $"3 answers at $0.009 should be stored; found {calls} calls, ${usd}");
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("[data-testid=costs-total]")).ToHaveTextAsync(Usd(usd));
        await Assertions.Expect(page.Locator("[data-testid=spend-chart] svg")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=costs-by-model]")).ToContainTextAsync("gpt-4o");
        await Assertions.Expect(page.Locator("[data-testid=costs-recent]")).ToContainTextAsync("Open chat");
        await Assertions.Expect(page.Locator("[data-testid=costs-top-chats] a")).ToHaveCountAsync(1);
        // Usage vs credits: the three requests with their model and tokens, from the usage logs.
        await Assertions.Expect(page.Locator("[data-testid=usage-table]")).ToContainTextAsync("gpt-4o");
        await Browser.ScreenshotAsync(page, "costs-2-spend");

        // A tiny budget, below what is already spent: the editor asks first, then keeps the fraction of a cent as typed
        // (it was stored as $0.00); the thresholds fire at once and the gauge says AI calls are blocked.
        await page.Locator("[data-testid=budget-editor][data-ready=true]").WaitForAsync();
        await page.GetByLabel("Monthly limit ($)").FillAsync("0.0012");
        await page.Locator("[data-testid=budget-save]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=budget-confirm]")).ToContainTextAsync("already spent");
        await Browser.ScreenshotAsync(page, "costs-2b-confirm");
        await page.Locator("[data-testid=budget-confirm-yes]").ClickAsync();
        await Assertions.Expect(page.GetByText("Budget saved")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=budget-gauge-month]")).ToContainTextAsync("new AI calls are blocked");
        await Assertions.Expect(page.Locator("[data-testid=budget-gauge-month]")).ToContainTextAsync("of $0.0012");
        Assert.Equal(0.0012m, await app.ScalarAsync("""
            BEGIN; SET LOCAL app.platform_admin = 'on';
            SELECT b.monthly_limit_usd FROM main.budgets b JOIN main.workspaces w ON w.id = b.workspace_id WHERE w.slug = 'acme'; COMMIT;
            """));
        await Assertions.Expect(page.Locator("[data-testid=alerts-list]")).ToContainTextAsync("100 % of the monthly budget");
        await Browser.ScreenshotAsync(page, "costs-3-blocked");
        Assert.Equal(3L, await app.ScalarAsync("""
            SELECT count(*) FROM main.email_outbox WHERE "to" = 'owner@acme.test' AND subject LIKE '%AI budget used'
            """));

        // The chat is refused with a clear message, and nothing is billed for it.
        await page.GotoAsync(chatUrl);
        var refused = await AskAsync(page, "And sick leave?", 4, status: "failed");
        await Assertions.Expect(refused).ToContainTextAsync("reached its monthly AI budget");
        await Browser.ScreenshotAsync(page, "costs-3b-chat-blocked");
        await page.GotoAsync("/w/acme/costs");

        // Raised: the block is gone; the alerts stay until someone resolves them.
        // Freshly loaded: type only once the form is interactive (prerendered input would be lost).
        await page.Locator("[data-testid=budget-editor][data-ready=true]").WaitForAsync();
        await Assertions.Expect(page.GetByLabel("Monthly limit ($)")).ToHaveValueAsync("0.0012"); // not 0.000000
        await page.GetByLabel("Monthly limit ($)").FillAsync("50");
        await page.Locator("[data-testid=budget-save]").ClickAsync();
        await Assertions.Expect(page.GetByText("Budget saved")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=budget-gauge-month]")).Not.ToContainTextAsync("blocked");
        await Assertions.Expect(page.Locator("[data-testid=budget-gauge-month]")).ToContainTextAsync("of $50.00");
        while (await page.GetByRole(AriaRole.Button, new() { Name = "Resolve" }).CountAsync() > 0)
        {
            var before = await page.GetByRole(AriaRole.Button, new() { Name = "Resolve" }).CountAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Resolve" }).First.ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Resolve" })).ToHaveCountAsync(before - 1);
        }
        await Browser.ScreenshotAsync(page, "costs-4-raised");
        await Browser.ScreenshotDarkAsync(page, "costs-4-raised-dark");

        // CSV export of the filtered events, through the same session.
        var csv = await page.Context.APIRequest.GetAsync(await page.Locator("[data-testid=costs-export]").GetAttributeAsync("href") ?? "");
        Assert.Equal(200, csv.Status);
        Assert.StartsWith("text/csv", csv.Headers["content-type"]);
        var text = await csv.TextAsync();
        Assert.Equal((await StoredAsync("gpt-4o")).Calls, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains(",gpt-4o,")));

        // The admin console sees Acme among the spenders.
        await page.GotoAsync("/admin/costs");
        await Assertions.Expect(page.Locator("[data-testid=admin-top-workspaces]")).ToContainTextAsync("Acme");
        await Browser.ScreenshotAsync(page, "costs-5-admin");
    }

    [Fact]
    public async Task The_export_refuses_strangers()
    {
        var page = await browser.NewPageAsync(app);
        var response = await page.Context.APIRequest.GetAsync("/w/acme/costs/export.csv", new() { MaxRedirects = 0 });
        Assert.NotEqual(200, response.Status); // not signed in: redirected to the login page
    }
}
