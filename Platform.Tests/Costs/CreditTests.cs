using Microsoft.EntityFrameworkCore;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Web.Ai;
using Platform.Web.Features.Costs;
using Platform.Web.Features.Costs.Budgets;

namespace Platform.Tests.Costs;

/// <summary>Test tiers (CostsPlatform.Settings): free = 3 messages/day, no searches; anonymous = 2 messages/day.</summary>
public class CreditTests(CostsPlatform platform) : IClassFixture<CostsPlatform>
{
    [Fact]
    public async Task Free_tier_credits_run_out_say_when_they_reset_and_reset()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        platform.Clock.Offset = TimeSpan.Zero;
        try
        {
            for (var i = 0; i < 3; i++) Assert.True((await platform.Guard.ConsumeCreditAsync(ws, owner, CreditKind.Message)).Allowed);
            var refused = await platform.Guard.ConsumeCreditAsync(ws, owner, CreditKind.Message);
            Assert.False(refused.Allowed);
            Assert.Matches(@"used all 3 message credits of the Free tier\. They reset in \d+ (h|min)\.", refused.Refusal);
            Assert.Equal(DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(1), refused.ResetsAt!.Value.UtcDateTime);

            var status = await platform.Get<CreditLimiter>().StatusAsync(ws, owner);
            Assert.Equal(("free", 3, 3), (status.Tier, status.MessagesUsed, status.MessageLimit!.Value));

            platform.Clock.Offset = TimeSpan.FromDays(1); // the next day
            var next = await platform.Guard.ConsumeCreditAsync(ws, owner, CreditKind.Message);
            Assert.True(next.Allowed);
            Assert.Equal(2, next.Remaining);
        }
        finally
        {
            platform.Clock.Offset = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task Concurrent_requests_never_exceed_the_credits()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var results = await Task.WhenAll(Enumerable.Range(0, 20)
            .Select(_ => Task.Run(() => platform.Guard.ConsumeCreditAsync(ws, owner, CreditKind.Message))));
        Assert.Equal(3, results.Count(r => r.Allowed));
        await using var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(ws));
        Assert.Equal(20, await db.UsageLogs.CountAsync(l => l.WorkspaceId == ws && l.UsageType == CreditKind.Message));
        Assert.Equal(3, await db.UsageLogs.CountAsync(l => l.WorkspaceId == ws && l.Success));
    }

    [Fact]
    public async Task Tiers_differ_by_plan_and_anonymous_visitors_have_their_own_limit()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var search = await platform.Guard.ConsumeCreditAsync(ws, owner, CreditKind.Search);
        Assert.False(search.Allowed);
        Assert.Contains("includes no searches", search.Refusal);

        Assert.True((await platform.Guard.ConsumeCreditAsync(ws, null, CreditKind.Message, "visitor-1")).Allowed);
        Assert.True((await platform.Guard.ConsumeCreditAsync(ws, null, CreditKind.Message, "visitor-1")).Allowed);
        Assert.False((await platform.Guard.ConsumeCreditAsync(ws, null, CreditKind.Message, "visitor-1")).Allowed);
        Assert.True((await platform.Guard.ConsumeCreditAsync(ws, null, CreditKind.Message, "visitor-2")).Allowed);

        await using (var db = await platform.Main.OpenAsync(DbSession.ForPlatformAdmin(Guid.NewGuid())))
        {
            (await db.Workspaces.SingleAsync(w => w.Id == ws)).Plan = WorkspacePlan.Pro;
            await db.SaveChangesAsync();
            await db.Database.CommitTransactionAsync();
        }
        var pro = await platform.Guard.ConsumeCreditAsync(ws, owner, CreditKind.Message);
        Assert.True(pro.Allowed);
        Assert.Equal(99, pro.Remaining);
    }

    [Theory]
    [InlineData(3 * 3600, "3 h")]
    [InlineData(25 * 60, "25 min")]
    [InlineData(59, "1 min")]
    [InlineData(3 * 86400 + 3600, "3 d")]
    public void Reset_times_read_naturally(int seconds, string expected) =>
        Assert.Equal(expected, Money.Duration(TimeSpan.FromSeconds(seconds)));

    private async Task<List<UsageLog>> UsageLogsAsync(Guid ws)
    {
        await using var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(ws));
        return await db.UsageLogs.AsNoTracking().OrderBy(u => u.CreatedAt).ToListAsync();
    }

    [Fact]
    public async Task Each_request_is_one_usage_log_with_credits_model_tokens_duration_and_success()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var chat = Guid.NewGuid();
        // 1: credit checked, then answered (the usage arrives twice: a retry must not add a row).
        Assert.True((await platform.Guard.ConsumeCreditAsync(ws, owner, CreditKind.Message)).Allowed);
        var answered = CostsPlatform.Usage(ws, owner, "gpt-4o-mini", 1200, 300, chatId: chat) with { Operation = "answer", Latency = TimeSpan.FromMilliseconds(1500) };
        platform.Recorder.Record(answered);
        platform.Recorder.Record(answered);
        // A title call in the same chat is part of the request, not a request of its own.
        platform.Recorder.Record(CostsPlatform.Usage(ws, owner, "gpt-4o-mini", 50, 8, chatId: chat) with { Operation = "title" });
        await platform.FlushAsync();
        // 2: credit checked, the stream failed after some output.
        Assert.True((await platform.Guard.ConsumeCreditAsync(ws, owner, CreditKind.Message)).Allowed);
        platform.Recorder.Record(CostsPlatform.Usage(ws, owner, "gpt-4o", 900, 40, chatId: chat, success: false) with { Operation = "answer", Latency = TimeSpan.FromMilliseconds(700) });
        // 3: a knowledge search without a credit check (no tier limit asked): its own row, no credits.
        platform.Recorder.Record(CostsPlatform.Usage(ws, owner, "text-embedding-3-small", 12, 0, service: AiService.Embedding) with { Operation = "search" });
        await platform.FlushAsync();

        var logs = await UsageLogsAsync(ws);
        Assert.Equal(3, logs.Count);
        var messages = logs.Where(l => l.UsageType == "message").ToList();
        Assert.Equal([("gpt-4o-mini", 1500L, 1500, true, 1), ("gpt-4o", 940L, 700, false, 1)],
            messages.Select(l => (l.Model, l.TokensUsed!.Value, l.RequestDurationMs!.Value, l.Success, l.CreditsConsumed)).ToList());
        Assert.All(messages, l => Assert.Equal(chat, l.ChatId));
        var search = Assert.Single(logs, l => l.UsageType == "search");
        Assert.Equal(("text-embedding-3-small", 12L, 0, true), (search.Model, search.TokensUsed!.Value, search.CreditsConsumed, search.Success));

        // "Usage vs credits" on the dashboard reads the same rows.
        var status = await platform.Get<CreditLimiter>().StatusAsync(ws, owner);
        Assert.Equal(2, status.MessagesUsed);
        // One row per model: each message under the model that answered it, not all under the last one used.
        var m = status.Usage.Where(u => u.UsageType == "message").OrderBy(u => u.Model).ToList();
        Assert.Equal([(1, 1, 940L, 700, 1, "gpt-4o"), (1, 1, 1500L, 1500, 0, "gpt-4o-mini")],
            m.Select(u => (u.Requests, u.Credits, u.Tokens, u.AvgDurationMs!.Value, u.Failed, u.Model)).ToList());
        Assert.Contains(status.Usage, u => u.UsageType == "search" && u.Requests == 1 && u.Credits == 0);
    }

    [Fact]
    public async Task A_refused_request_is_logged_unsuccessful_and_costs_no_credit()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        Assert.False((await platform.Guard.ConsumeCreditAsync(ws, owner, CreditKind.Search)).Allowed); // free tier: no searches
        var log = Assert.Single(await UsageLogsAsync(ws));
        Assert.Equal(("search", 0, false, (string?)null), (log.UsageType, log.CreditsConsumed, log.Success, log.Model));
    }
}

public class GuardWithoutDatabaseTests
{
    [Fact]
    public async Task Without_the_database_the_guard_refuses_with_a_clear_message()
    {
        var database = Microsoft.Extensions.Options.Options.Create(new DatabaseOptions
        {
            Main = "Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none;Timeout=2",
        });
        var sources = new DataSourceRegistry();
        var credits = new CreditLimiter(sources, database, Microsoft.Extensions.Options.Options.Create(new CostsOptions()), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<CreditLimiter>.Instance);
        var guard = new BudgetGuard(sources, database, credits, TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<BudgetGuard>.Instance);

        var reservation = await guard.ReserveAsync(Guid.NewGuid(), Guid.NewGuid(), AiService.Llm, 0.01m);
        Assert.False(reservation.Allowed);
        Assert.Equal(BudgetGuard.Unavailable, reservation.Refusal);
        var credit = await guard.ConsumeCreditAsync(Guid.NewGuid(), Guid.NewGuid(), CreditKind.Message);
        Assert.False(credit.Allowed);
        await sources.DisposeAsync();
    }
}

public class MoneyFormatTests
{
    [Theory]
    [InlineData(4800, "4,800")]
    [InlineData(373_263, "373k")]
    [InlineData(1_565_287, "1.6M")]
    [InlineData(12_400_000, "12M")]
    public void Token_counts_read_at_a_glance(long n, string expected) => Assert.Equal(expected, Money.Compact(n));

    [Theory]
    [InlineData("12.345", "$12.35")]
    [InlineData("0.000125", "$0.000125")]
    [InlineData("0", "$0.00")]
    [InlineData("1234567.8", "$1,234,567.80")]
    public void Money_reads_in_dollars_with_small_amounts_kept(string value, string expected) =>
        Assert.Equal(expected, Money.Usd(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture)));
}
