using Microsoft.Playwright;
using Platform.E2E.Infrastructure;

namespace Platform.E2E.Costs;

[Collection(IsolatedAppCollection.Name)]
public class CostsJourneys(AppServer app, Browser browser)
{
    /// <summary>
    /// Usage as the cost writer stores it (events + hour/day/user/chat rollups in one transaction, platform-admin
    /// session). Stands in for "chat a few times" until the Chat area is merged; then the journey chats instead.
    /// </summary>
    private Task SeedUsageAsync(int calls) => app.ScalarAsync($$"""
        BEGIN;
        SELECT set_config('app.platform_admin', 'on', true);
        CREATE TEMP TABLE cost_events_incoming (LIKE main.cost_events) ON COMMIT DROP;
        INSERT INTO cost_events_incoming (workspace_id, id, user_id, chat_id, service, provider, model, operation,
            input_tokens, output_tokens, cost_usd, latency_ms, success, occurred_at)
        SELECT w.id, gen_random_uuid(), m.user_id, md5('chat' || (g % 3))::uuid, 'llm', 'openai', 'gpt-4o', 'chat',
               2000, 400, 0.009, 850, true, now() - (g * interval '1 minute')
        FROM main.workspaces w JOIN main.workspace_members m ON m.workspace_id = w.id AND m.role = 'owner',
             generate_series(1, {{calls}}) g
        WHERE w.slug = 'acme';
        WITH inserted AS (INSERT INTO main.cost_events SELECT * FROM cost_events_incoming RETURNING *),
        h AS (INSERT INTO main.cost_summaries (workspace_id, granularity, period_start, service, provider, model, event_count,
                  failed_count, input_tokens, output_tokens, cost_usd, latency_ms_total, updated_at)
              SELECT workspace_id, 'hour', date_trunc('hour', occurred_at, 'UTC'), service, provider, model, count(*), 0,
                     sum(input_tokens), sum(output_tokens), sum(cost_usd), sum(latency_ms), now() FROM inserted GROUP BY 1, 3, 4, 5, 6
              ON CONFLICT (workspace_id, granularity, period_start, service, provider, model, user_id, chat_id) DO UPDATE
              SET event_count = cost_summaries.event_count + excluded.event_count, cost_usd = cost_summaries.cost_usd + excluded.cost_usd),
        d AS (INSERT INTO main.cost_summaries (workspace_id, granularity, period_start, service, provider, model, event_count,
                  failed_count, input_tokens, output_tokens, cost_usd, latency_ms_total, updated_at)
              SELECT workspace_id, 'day', date_trunc('day', occurred_at, 'UTC'), service, provider, model, count(*), 0,
                     sum(input_tokens), sum(output_tokens), sum(cost_usd), sum(latency_ms), now() FROM inserted GROUP BY 1, 3, 4, 5, 6
              ON CONFLICT (workspace_id, granularity, period_start, service, provider, model, user_id, chat_id) DO UPDATE
              SET event_count = cost_summaries.event_count + excluded.event_count, cost_usd = cost_summaries.cost_usd + excluded.cost_usd),
        u AS (INSERT INTO main.cost_summaries (workspace_id, granularity, period_start, service, provider, model, user_id, event_count,
                  failed_count, input_tokens, output_tokens, cost_usd, latency_ms_total, updated_at)
              SELECT workspace_id, 'user_day', date_trunc('day', occurred_at, 'UTC'), '*', '*', '*', user_id, count(*), 0,
                     sum(input_tokens), sum(output_tokens), sum(cost_usd), sum(latency_ms), now() FROM inserted GROUP BY 1, 3, 7
              ON CONFLICT (workspace_id, granularity, period_start, service, provider, model, user_id, chat_id) DO UPDATE
              SET event_count = cost_summaries.event_count + excluded.event_count, cost_usd = cost_summaries.cost_usd + excluded.cost_usd),
        c AS (INSERT INTO main.cost_summaries (workspace_id, granularity, period_start, service, provider, model, chat_id, event_count,
                  failed_count, input_tokens, output_tokens, cost_usd, latency_ms_total, updated_at)
              SELECT workspace_id, 'chat_day', date_trunc('day', occurred_at, 'UTC'), '*', '*', '*', chat_id, count(*), 0,
                     sum(input_tokens), sum(output_tokens), sum(cost_usd), sum(latency_ms), now() FROM inserted GROUP BY 1, 3, 7)
        SELECT count(*) FROM inserted;
        COMMIT;
        """);

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

        await SeedUsageAsync(12); // 12 answers at $0.009
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("[data-testid=costs-total]")).ToHaveTextAsync("$0.11");
        // 12 paid answers, plus whatever free offline embedding calls ingestion made.
        Assert.True(int.Parse(await page.Locator("[data-testid=costs-calls]").InnerTextAsync()) >= 12);
        await Assertions.Expect(page.Locator("[data-testid=spend-chart] svg")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=costs-by-model]")).ToContainTextAsync("gpt-4o");
        await Assertions.Expect(page.Locator("[data-testid=costs-recent]")).ToContainTextAsync("Open chat");
        await Assertions.Expect(page.Locator("[data-testid=costs-top-chats] a")).ToHaveCountAsync(3);
        await Browser.ScreenshotAsync(page, "costs-2-spend");

        // A tiny budget: the thresholds fire at once and the gauge says AI calls are blocked.
        await page.GetByLabel("Monthly limit ($)").FillAsync("0.05");
        await page.Locator("[data-testid=budget-save]").ClickAsync();
        await Assertions.Expect(page.GetByText("Budget saved")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=budget-gauge-month]")).ToContainTextAsync("new AI calls are blocked");
        await Assertions.Expect(page.Locator("[data-testid=alerts-list]")).ToContainTextAsync("100 % of the monthly budget");
        await Browser.ScreenshotAsync(page, "costs-3-blocked");
        Assert.Equal(3L, await app.ScalarAsync("""
            SELECT count(*) FROM main.email_outbox WHERE "to" = 'owner@acme.test' AND subject LIKE '%AI budget used'
            """));

        // Raised: the block is gone; the alerts stay until someone resolves them.
        await page.GetByLabel("Monthly limit ($)").FillAsync("50");
        await page.Locator("[data-testid=budget-save]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=budget-gauge-month]")).Not.ToContainTextAsync("blocked");
        await Assertions.Expect(page.Locator("[data-testid=budget-gauge-month]")).ToContainTextAsync("of $50.00");
        while (await page.GetByRole(AriaRole.Button, new() { Name = "Resolve" }).CountAsync() > 0)
        {
            var before = await page.GetByRole(AriaRole.Button, new() { Name = "Resolve" }).CountAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Resolve" }).First.ClickAsync();
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Resolve" })).ToHaveCountAsync(before - 1);
        }
        await Browser.ScreenshotAsync(page, "costs-4-raised");

        // CSV export of the filtered events, through the same session.
        var csv = await page.Context.APIRequest.GetAsync(await page.Locator("[data-testid=costs-export]").GetAttributeAsync("href") ?? "");
        Assert.Equal(200, csv.Status);
        Assert.StartsWith("text/csv", csv.Headers["content-type"]);
        var text = await csv.TextAsync();
        Assert.Equal(12, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains("gpt-4o"))); // the 12 paid calls

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
