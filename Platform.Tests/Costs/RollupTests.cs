using Microsoft.EntityFrameworkCore;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Web.Ai;
using Platform.Web.Ai.Pricing;
using Platform.Web.Features.Costs;
using Platform.Web.Features.Costs.Dashboard;
using Platform.Web.Features.Costs.Recording;

namespace Platform.Tests.Costs;

public class RollupTests(CostsPlatform platform) : IClassFixture<CostsPlatform>
{
    [Fact]
    public async Task Rollups_equal_raw_sums_after_a_random_workload()
    {
        var random = new Random(20261122);
        var workspaces = new List<(Guid Ws, Guid[] Users)>();
        for (var w = 0; w < 3; w++)
        {
            var (ws, owner) = await platform.CreateWorkspaceAsync();
            workspaces.Add((ws, [owner, Guid.NewGuid(), Guid.NewGuid()]));
        }
        string[] models = ["gpt-4o", "gpt-4o-mini", "text-embedding-3-small", "unknown-model"];
        string[] services = [AiService.Llm, AiService.Embedding, AiService.Vision];
        var price = platform.Get<PriceTable>();
        var now = DateTimeOffset.UtcNow;
        var all = new List<CostEvent>();
        for (var i = 0; i < 3000; i++)
        {
            var (ws, users) = workspaces[random.Next(workspaces.Count)];
            var model = models[random.Next(models.Length)];
            var usage = CostsPlatform.Usage(ws, random.Next(4) == 0 ? null : users[random.Next(users.Length)], model,
                random.Next(0, 20_000), random.Next(0, 4_000), service: services[random.Next(services.Length)],
                chatId: random.Next(3) == 0 ? null : Guid.CreateVersion7(), success: random.Next(10) > 0,
                at: now.AddMinutes(-random.Next(0, 3 * 24 * 60)));
            all.Add(CostEventFactory.Create(usage, price.Quote("openai", model, usage.InputTokens, usage.OutputTokens).CostUsd));
        }
        // Random batch sizes, and some batches written twice (retries) — duplicates must add nothing.
        for (var offset = 0; offset < all.Count;)
        {
            var size = random.Next(1, 400);
            var batch = all.Skip(offset).Take(size).ToList();
            await platform.Store.WriteAsync(batch);
            if (random.Next(5) == 0) await platform.Store.WriteAsync(batch);
            offset += size;
        }
        // And the buffered path on top.
        foreach (var (ws, users) in workspaces) platform.Recorder.Record(CostsPlatform.Usage(ws, users[0], chatId: Guid.NewGuid()));
        await platform.FlushAsync();

        var from = now.AddDays(-4);
        var to = now.AddHours(2);
        var mismatches = await platform.Get<RollupConsistency>().CheckAsync(await platform.CreatePlatformAdminAsync(), from, to);
        Assert.Empty(mismatches);

        // And the dashboard totals (from rollups) equal what was generated.
        foreach (var (ws, users) in workspaces)
        {
            var expected = all.Where(e => e.WorkspaceId == ws).Sum(e => e.CostUsd) + 0.0075m;
            var dashboard = await platform.Get<CostQueries>().WorkspaceAsync(ws, users[0], CostRange.Of(from, to));
            Assert.Equal(expected, dashboard.TotalUsd);
            Assert.Equal(all.Count(e => e.WorkspaceId == ws) + 1, dashboard.Events);
            Assert.Equal(expected, dashboard.ByModel.Sum(m => m.CostUsd));
            Assert.Equal(expected, dashboard.ByUser.Sum(m => m.CostUsd));
            Assert.Equal(expected, dashboard.SpendOverTime.Sum(p => p.CostUsd));
            var byModel = await platform.Get<CostQueries>().WorkspaceAsync(ws, users[0], CostRange.Of(from, to), groupBy: CostGrouping.Model);
            Assert.Equal(dashboard.ByModel.Select(m => m.Key).Order(), byModel.SpendOverTime.Select(p => p.Key).Distinct().Order());
            Assert.Equal(expected, byModel.SpendOverTime.Sum(p => p.CostUsd));
        }
    }

    [Fact]
    public async Task The_consistency_check_finds_a_tampered_rollup()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        platform.Recorder.Record(CostsPlatform.Usage(ws, owner));
        await platform.FlushAsync();
        await using (var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(ws)))
        {
            var row = await db.CostHourRollups.FirstAsync(s => s.WorkspaceId == ws);
            row.CostUsd += 1;
            await db.SaveChangesAsync();
            await db.Database.CommitTransactionAsync();
        }
        var now = DateTimeOffset.UtcNow;
        var mismatches = await platform.Get<RollupConsistency>().CheckAsync(await platform.CreatePlatformAdminAsync(), now.AddDays(-1), now.AddDays(1));
        var mismatch = Assert.Single(mismatches, m => m.WorkspaceId == ws);
        Assert.Equal("hour", mismatch.Granularity);
        Assert.Equal(mismatch.RawUsd + 1, mismatch.RollupUsd);
    }
}
