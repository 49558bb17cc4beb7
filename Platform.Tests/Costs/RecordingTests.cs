using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Tests.Infrastructure;
using Platform.Web.Ai;
using Platform.Web.Ai.Pricing;
using Platform.Web.Features.Costs;
using Platform.Web.Features.Costs.Budgets;
using Platform.Web.Features.Costs.Recording;
using Platform.Web.Infrastructure;

namespace Platform.Tests.Costs;

public class RecordingTests(CostsPlatform platform) : IClassFixture<CostsPlatform>
{
    private async Task<List<CostEvent>> EventsAsync(Guid workspaceId)
    {
        await using var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(workspaceId));
        return await db.CostEvents.Where(e => e.WorkspaceId == workspaceId).OrderBy(e => e.OccurredAt).ToListAsync();
    }

    [Fact]
    public async Task Every_recorded_call_becomes_a_priced_cost_event()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var chat = Guid.NewGuid();
        platform.Recorder.Record(CostsPlatform.Usage(ws, owner, "gpt-4o", 1000, 500, chatId: chat));
        platform.Recorder.Record(CostsPlatform.Usage(ws, owner, "text-embedding-3-small", 2000, 0, service: AiService.Embedding));
        platform.Recorder.Record(CostsPlatform.Usage(ws, owner, "retrieval", 300, 200, provider: "offline"));
        await platform.FlushAsync();

        var events = await EventsAsync(ws);
        Assert.Equal(3, events.Count);
        Assert.Equal(0.0075m, events.Single(e => e.Model == "gpt-4o").CostUsd); // 1000×2.5 + 500×10 per million
        Assert.Equal(0.00004m, events.Single(e => e.Service == AiService.Embedding).CostUsd);
        Assert.Equal(0m, events.Single(e => e.Provider == "offline").CostUsd);
        Assert.Equal(chat, events.Single(e => e.Model == "gpt-4o").ChatId);
        Assert.All(events, e => Assert.Equal(owner, e.UserId));
    }

    [Fact]
    public async Task Aborted_and_failed_streams_are_billed_once_for_what_they_used()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        // A stream aborted by the user: the catch block and the finally block both report the same call.
        var aborted = CostsPlatform.Usage(ws, owner, "gpt-4o", 1200, 40, success: false) with { Error = "aborted by user" };
        platform.Recorder.Record(aborted);
        platform.Recorder.Record(aborted);
        // A provider failure after some output, recorded once.
        platform.Recorder.Record(CostsPlatform.Usage(ws, owner, "gpt-4o", 800, 10, success: false) with { Error = "502 from provider" });
        await platform.FlushAsync();

        var events = await EventsAsync(ws);
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.False(e.Success));
        Assert.Equal(0.0034m + 0.0021m, events.Sum(e => e.CostUsd)); // 1200×2.5+40×10 = 3400; 800×2.5+10×10 = 2100 (per million)
        var day = await DaySummaryAsync(ws);
        Assert.Equal(2, day.EventCount);
        Assert.Equal(2, day.FailedCount);
        Assert.Equal(events.Sum(e => e.CostUsd), day.CostUsd);
    }

    [Fact]
    public async Task A_batch_written_twice_after_an_ambiguous_commit_is_billed_once()
    {
        // The crash case the writer can see: the COPY committed but the acknowledgement was lost, so it retries.
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var price = platform.Get<PriceTable>();
        var batch = Enumerable.Range(0, 20)
            .Select(i => CostEventFactory.Create(CostsPlatform.Usage(ws, owner, input: 100 + i), price.Quote("openai", "gpt-4o", 100 + i, 500).CostUsd))
            .ToList();
        var first = await platform.Store.WriteAsync(batch);
        var second = await platform.Store.WriteAsync(batch);
        Assert.Equal(20, first.Inserted);
        Assert.Equal(0, second.Inserted);
        var events = await EventsAsync(ws);
        Assert.Equal(20, events.Count);
        Assert.Equal(events.Sum(e => e.CostUsd), (await DaySummaryAsync(ws)).CostUsd);
    }

    [Fact]
    public async Task Stopping_the_writer_flushes_what_was_recorded()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var recorder = new CostRecorder();
        var writer = new CostEventWriter(recorder, platform.Store, platform.Get<PriceTable>(), new CostNotifications(Microsoft.Extensions.Logging.Abstractions.NullLogger<CostNotifications>.Instance),
            Options.Create(new CostsOptions { FlushInterval = TimeSpan.FromHours(1) }), new WorkerHeartbeats(TimeProvider.System),
            NullLogger<CostEventWriter>.Instance);
        await writer.StartAsync(CancellationToken.None);
        for (var i = 0; i < 50; i++) recorder.Record(CostsPlatform.Usage(ws, owner));
        await writer.StopAsync(CancellationToken.None); // the hour-long interval never elapsed

        Assert.Equal(50, (await EventsAsync(ws)).Count);
        Assert.Equal(50, recorder.Written);
    }

    [Fact]
    public async Task Recording_is_non_blocking_and_never_throws_for_storage()
    {
        var recorder = new CostRecorder(); // no writer at all: Record must still return at once
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 10_000; i++) recorder.Record(CostsPlatform.Usage(Guid.NewGuid(), null));
        Assert.Equal(10_000, recorder.Recorded);
        Assert.Equal(0, recorder.Written);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(30)); // sanity only; the benchmark measures latency
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Cost_events_are_append_only_and_invisible_to_other_workspaces()
    {
        var (a, ownerA) = await platform.CreateWorkspaceAsync();
        var (b, _) = await platform.CreateWorkspaceAsync();
        platform.Recorder.Record(CostsPlatform.Usage(a, ownerA));
        await platform.FlushAsync();

        await using (var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(b)))
            Assert.Empty(await db.CostEvents.Where(e => e.WorkspaceId == a).ToListAsync());

        // Not even the platform-admin session can rewrite or erase the bill.
        await using var c = new NpgsqlConnection(TestDatabases.App(platform.MainDatabase));
        await c.OpenAsync();
        foreach (var session in new[] { DbSession.ForWorkspace(a), DbSession.ForPlatformAdmin(Guid.NewGuid()) })
        foreach (var sql in new[] { "DELETE FROM main.cost_events WHERE workspace_id = @w", "UPDATE main.cost_events SET cost_usd = 0 WHERE workspace_id = @w" })
        {
            await using var tx = await TenantSessionInterceptor.BeginAsync(c, session);
            await using var cmd = new NpgsqlCommand(sql, c, tx);
            cmd.Parameters.AddWithValue("w", a);
            var e = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
            Assert.Contains("append-only", e.MessageText);
            await tx.RollbackAsync();
        }
        Assert.Single(await EventsAsync(a));
    }

    private async Task<CostDayRollup> DaySummaryAsync(Guid ws)
    {
        await using var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(ws));
        var rows = await db.CostDayRollups.Where(s => s.WorkspaceId == ws).ToListAsync();
        return new CostDayRollup
        {
            Service = "*", Provider = "*", Model = "*",
            EventCount = rows.Sum(r => r.EventCount), FailedCount = rows.Sum(r => r.FailedCount), CostUsd = rows.Sum(r => r.CostUsd),
        };
    }
}

public class CostTablesSeedTests(CostsPlatform platform) : IClassFixture<CostsPlatform>
{
    [Fact]
    public async Task The_isolation_seed_writes_a_row_in_every_costs_table_through_the_app_path()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        await WorkspaceRows.SeedAsync(platform, ws, owner);
        await using var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(ws));
        Assert.Equal(1, await db.CostEvents.CountAsync());
        Assert.Equal(1, await db.CostHourRollups.CountAsync());
        Assert.Equal(1, await db.CostDayRollups.CountAsync());
        Assert.Equal(1, await db.CostUserDayRollups.CountAsync());
        Assert.Equal(1, await db.CostWorkspaceDayRollups.CountAsync());
        Assert.Equal(1, await db.ChatCostTotals.CountAsync());
        Assert.Equal(1, await db.Budgets.CountAsync());
        Assert.Equal(1, await db.BudgetLedgers.CountAsync());
        Assert.Equal(1, await db.BudgetAlerts.CountAsync());
        Assert.Equal(1, await db.RateLimits.CountAsync());
        Assert.Equal(1, await db.UsageLogs.CountAsync());
    }
}
