using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.Data.Tenant.Entities;
using Platform.Tests.Infrastructure;
using Platform.Web.Ai;
using Platform.Web.Ai.Embeddings;
using Platform.Web.Features.Documents;

namespace Platform.Tests.Documents;

/// <summary>Per-workspace embedding settings a test can change, as an admin changing the model would.</summary>
public sealed class SwitchableAiSettings : IWorkspaceAiSettingsProvider
{
    private readonly ConcurrentDictionary<Guid, AiEndpoint> _embeddings = new();
    public void UseEmbeddings(Guid workspaceId, AiEndpoint endpoint) => _embeddings[workspaceId] = endpoint;
    public Task<WorkspaceAiSettings> GetAsync(Guid workspaceId, CancellationToken ct = default) =>
        Task.FromResult(new WorkspaceAiSettings(null, _embeddings.GetValueOrDefault(workspaceId)));
}

public sealed class ReembedPlatform() : DocumentsPlatform(Platform.Data.Tenancy.PlatformMode.Local)
{
    public SwitchableAiSettings Settings { get; } = new();
    public EmbeddingFreshness Freshness => Services.GetRequiredService<EmbeddingFreshness>();

    protected override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IWorkspaceAiSettingsProvider>(Settings); // before AddPlatformAi's TryAdd default
        base.ConfigureServices(services, configuration);
    }
}

public sealed class ReembedTests(ReembedPlatform platform) : IClassFixture<ReembedPlatform>, IAsyncLifetime
{
    private const string NewModel = "text-embedding-new";
    private OpenAiProtocolServer _server = null!;

    public async Task InitializeAsync() => _server = await OpenAiProtocolServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<Dictionary<string, int>> ChunkModelsAsync(Guid ws)
    {
        await using var db = await platform.Tenants.OpenAsync(ws);
        return await db.DocumentChunks.GroupBy(c => c.EmbeddingModel ?? "").Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count);
    }

    [Fact]
    public async Task Changing_the_model_offers_a_reembed_that_moves_every_chunk_and_search_finds_them_again()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var (other, _) = await platform.CreateWorkspaceAsync();
        var handbook = await platform.AddTextAsync(ws, "Handbook", "# Time off\n\nEmployees get thirty days of paid vacation.\n\n# Travel\n\nBook trains for trips under four hours.");
        await platform.AddTextAsync(ws, "Security", "Rotate the VPN certificates every quarter.");
        await platform.AddTextAsync(other, "Elsewhere", "Another workspace's vacation policy.");
        await platform.Processor.DrainAsync(ws, CancellationToken.None);
        await platform.Processor.DrainAsync(other, CancellationToken.None);
        var before = await ChunkModelsAsync(ws);
        var total = Assert.Single(before, m => m.Key == LocalModelEmbeddingGenerator.ModelId).Value;
        Assert.False((await platform.Freshness.StatusAsync(ws, owner)).Stale);

        // The admin switches the workspace to an OpenAI-compatible endpoint: the old chunks are now stale, and meaning
        // search (which never mixes models) does not see them.
        platform.Settings.UseEmbeddings(ws, new AiEndpoint(_server.BaseUrl, "sk-test", NewModel));
        var stale = await platform.Freshness.StatusAsync(ws, owner);
        Assert.Equal((NewModel, total, 0), (stale.CurrentModel, stale.StalePassages, stale.DocumentsQueued));
        Assert.Equal([LocalModelEmbeddingGenerator.ModelId], stale.StaleModels);
        Assert.All(await platform.Search.SearchAsync(ws, owner, "vacation", 5), p => Assert.Null(p.VectorScore));

        Assert.Equal(2, await platform.Freshness.QueueAsync(ws, owner));
        var queued = await platform.Freshness.StatusAsync(ws, owner);
        Assert.Equal(2, queued.DocumentsQueued);
        await using (var db = await platform.Tenants.OpenAsync(ws))
        {
            // The job's state is in the database (a restart finds it), and the old passages stay readable meanwhile.
            var doc = await db.Documents.AsNoTracking().FirstAsync(d => d.Id == handbook);
            Assert.Equal(DocumentStatus.Queued, doc.Status);
            Assert.StartsWith(EmbeddingFreshness.ReasonPrefix, doc.StatusReason);
        }
        Assert.Equal(total, (await ChunkModelsAsync(ws)).Values.Sum());
        Assert.Equal(0, await platform.Freshness.QueueAsync(ws, owner)); // clicking twice queues nothing more

        var usageBefore = platform.Usage.Snapshot().Count(u => u.WorkspaceId == ws && u.Model == NewModel);
        Assert.Equal(2, await platform.Processor.DrainAsync(ws, CancellationToken.None));

        Assert.Equal(new Dictionary<string, int> { [NewModel] = total }, await ChunkModelsAsync(ws));
        var done = await platform.Freshness.StatusAsync(ws, owner);
        Assert.Equal((0, 0), (done.StalePassages, done.DocumentsQueued));
        Assert.True(platform.Usage.Snapshot().Count(u => u.WorkspaceId == ws && u.Model == NewModel && u.Success) > usageBefore);
        Assert.Contains(_server.Requests, r => r.Model == NewModel);
        await using (var db = await platform.Tenants.OpenAsync(ws))
        {
            Assert.All(await db.Documents.AsNoTracking().ToListAsync(), d =>
                Assert.Equal((DocumentStatus.Ready, NewModel, (string?)null), (d.Status, d.EmbeddingModel, d.StatusReason)));
        }

        var found = await platform.Search.SearchAsync(ws, owner, "vacation", 5);
        Assert.Contains(found, p => p.DocumentId == handbook && p.VectorScore is not null);
        Assert.All(found, p => Assert.NotEqual("Elsewhere", p.DocumentTitle));
        // The other workspace kept its model and was never touched.
        Assert.Equal(LocalModelEmbeddingGenerator.ModelId, Assert.Single(await ChunkModelsAsync(other)).Key);
    }

    [Fact]
    public async Task A_reembed_interrupted_by_a_restart_is_resumed_from_the_database()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var doc = await platform.AddTextAsync(ws, "Policy", "Expenses above 500 euros need a manager's approval.");
        await platform.Processor.DrainAsync(ws, CancellationToken.None);
        platform.Settings.UseEmbeddings(ws, new AiEndpoint(_server.BaseUrl, "sk-test", NewModel));
        Assert.Equal(1, await platform.Freshness.QueueAsync(ws, owner));
        await using (var db = await platform.Tenants.OpenAsync(ws))
        {
            // What a crash mid-job leaves: claimed, lease expired.
            await db.Documents.Where(d => d.Id == doc).ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, DocumentStatus.Processing).SetProperty(d => d.Attempts, 1)
                .SetProperty(d => d.LeaseUntil, DateTimeOffset.UtcNow.AddSeconds(-1)));
            await db.CommitAsync();
        }
        Assert.Equal(1, (await platform.Freshness.StatusAsync(ws, owner)).DocumentsQueued);
        // A fresh processor (as after a restart) picks it up from the table alone.
        Assert.Equal(1, await platform.Processor.DrainAsync(ws, CancellationToken.None));
        Assert.Equal(NewModel, Assert.Single(await ChunkModelsAsync(ws)).Key);
    }
}
