using Microsoft.EntityFrameworkCore;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Web.Ai;
using Platform.Web.Features.Costs;

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
