using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Text.Json.Nodes;
using Platform.Data.Tenant.Entities;
using Platform.Web.Ai;
using Platform.Web.Features.Documents.Git;
using Platform.Web.Features.Workspaces;

namespace Platform.Tests.Documents.Git;

/// <summary>Git import against an OpenAI-protocol embedding server on 127.0.0.1 that holds its first request until
/// the test releases it: a re-sync can then land while the document is being embedded.</summary>
public sealed class GatedEmbeddingPlatform() : DocumentsPlatform(Platform.Data.Tenancy.PlatformMode.Local), IAsyncLifetime
{
    private WebApplication? _server;
    private int _requests;
    public string Root { get; } = Directory.CreateTempSubdirectory("git-race-").FullName;
    public TaskCompletionSource FirstRequestArrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public string BaseUrl { get; private set; } = "";

    private sealed class Settings(GatedEmbeddingPlatform platform) : IWorkspaceAiSettingsProvider
    {
        public Task<WorkspaceAiSettings> GetAsync(Guid workspaceId, CancellationToken ct = default) =>
            Task.FromResult(new WorkspaceAiSettings(null, new AiEndpoint(platform.BaseUrl, "sk-test", "gated")));
    }

    protected override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IWorkspaceAiSettingsProvider>(new Settings(this)); // before the offline default (TryAdd)
        base.ConfigureServices(services, configuration);
        services.AddSingleton<WorkspacePermissions>();
        services.Configure<GitImportOptions>(o => o.LocalRoots = [Root]);
    }

    async Task IAsyncLifetime.InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _server = builder.Build();
        _server.MapPost("/v1/embeddings", async (HttpContext http) =>
        {
            var body = (await JsonNode.ParseAsync(http.Request.Body))!.AsObject();
            var inputs = body["input"] is JsonArray a ? a.Select(n => n!.GetValue<string>()).ToList() : [body["input"]!.GetValue<string>()];
            if (Interlocked.Increment(ref _requests) == 1)
            {
                FirstRequestArrived.TrySetResult();
                await Release.Task.WaitAsync(TimeSpan.FromMinutes(2));
            }
            var dims = body["dimensions"]?.GetValue<int>() ?? 1024;
            var data = inputs.Select((t, i) => new { @object = "embedding", index = i, embedding = Enumerable.Range(0, dims).Select(d => (float)Math.Cos(t.Length + d)).ToArray() });
            return Results.Json(new { @object = "list", data, model = "gated", usage = new { prompt_tokens = 1, total_tokens = 1 } });
        });
        await _server.StartAsync();
        BaseUrl = _server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/v1";
        await InitializeAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        Release.TrySetResult();
        if (_server is not null) await _server.DisposeAsync();
        await DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }

    public GitSourceService Sources => Services.GetRequiredService<GitSourceService>();
    public GitSyncer Syncer => Services.GetRequiredService<GitSyncer>();
}

public class ResyncRaceTests(GatedEmbeddingPlatform platform) : IClassFixture<GatedEmbeddingPlatform>
{
    [Fact]
    public async Task Content_replaced_by_a_resync_while_the_old_content_is_embedded_ends_up_ingested_not_the_old_one()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var repo = TestRepo.Create(platform.Root).Write("a.md", "# Policy\n\nThe old rule: badges are blue.");
        repo.Commit();
        var sourceId = (await platform.Sources.AddAsync(ws, owner, new GitSourceRequest(repo.Path))).Value;
        await platform.Syncer.DrainAsync(ws, CancellationToken.None);

        // The worker starts on the old content and waits inside the embedding call…
        var draining = platform.Processor.DrainAsync(ws, CancellationToken.None);
        await platform.FirstRequestArrived.Task.WaitAsync(TimeSpan.FromSeconds(60));

        // …while a re-sync replaces the content.
        repo.Write("a.md", "# Policy\n\nThe new rule: badges are green.").Commit("new rule");
        Assert.Null((await platform.Sources.SyncNowAsync(ws, owner, sourceId)).Error);
        await platform.Syncer.DrainAsync(ws, CancellationToken.None);
        platform.Release.SetResult();
        await draining.WaitAsync(TimeSpan.FromSeconds(60));

        await using var db = await platform.Tenants.OpenAsync(ws);
        var document = await db.Documents.AsNoTracking().SingleAsync(d => d.GitSourceId == sourceId);
        Assert.Equal(DocumentStatus.Ready, document.Status);
        Assert.Contains("green", document.Content);
        var chunks = await db.DocumentChunks.Where(c => c.DocumentId == document.Id).Select(c => c.Content).ToListAsync();
        Assert.NotEmpty(chunks);
        Assert.All(chunks, c => Assert.DoesNotContain("blue", c));
    }
}
