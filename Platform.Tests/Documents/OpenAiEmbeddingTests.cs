using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Tests.Infrastructure;
using Platform.Web.Ai;
using Platform.Web.Ai.Embeddings;

namespace Platform.Tests.Documents;

public sealed class OpenAiEmbeddingTests : IAsyncLifetime
{
    private OpenAiProtocolServer _server = null!;
    private readonly RecordingUsage _usage = new();

    public async Task InitializeAsync()
    {
        _server = await OpenAiProtocolServer.StartAsync();
        // The model name picks how the provider behaves.
        _server.Embeddings = request => request.Model switch
        {
            "down" => OpenAiReply.Error(500, "upstream exploded"),
            "locked" => OpenAiReply.Error(401, "Incorrect API key provided"),
            "slow" => new OpenAiReply { Hang = true },
            "short" => new OpenAiReply { Dimensions = 8 },
            _ => new OpenAiReply(),
        };
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private sealed class FixedSettings(AiEndpoint? endpoint) : IWorkspaceAiSettingsProvider
    {
        public Task<WorkspaceAiSettings> GetAsync(Guid workspaceId, CancellationToken ct = default) =>
            Task.FromResult(new WorkspaceAiSettings(null, endpoint));
    }

    // Only "slow" gets a short timeout: on a busy machine the others must not be mistaken for timeouts.
    private WorkspaceEmbedder Embedder(string model) => new(
        new FixedSettings(new AiEndpoint(_server.BaseUrl, "sk-test", model)), _usage, new NoBudgetGuard(),
        Options.Create(new EmbeddingOptions { TimeoutSeconds = model == "slow" ? 1 : 60 }), NullLogger<WorkspaceEmbedder>.Instance);

    [Fact]
    public async Task Embeds_a_batch_over_http_asking_for_1024_dimensions_and_records_usage()
    {
        var ws = Guid.NewGuid();
        var batch = await Embedder("good").EmbedAsync(ws, null, ["first text", "second"], "document");
        Assert.Equal("good", batch.Model);
        Assert.Equal(2, batch.Vectors.Count);
        Assert.All(batch.Vectors, v => Assert.Equal(1024, v.Length));
        var request = Assert.Single(_server.Requests);
        Assert.Equal(1024, request.Json!["dimensions"]!.GetValue<int>());
        var usage = Assert.Single(_usage.Snapshot());
        Assert.Equal((ws, "embedding", "good", 16L, true), (usage.WorkspaceId, usage.Service, usage.Model, usage.InputTokens, usage.Success));
    }

    [Theory]
    [InlineData("down", true, "failed (500)")]
    [InlineData("locked", false, "refused the API key")]
    [InlineData("slow", true, "did not answer in time")]
    [InlineData("short", false, "returned 8 dimensions")]
    public async Task Provider_errors_become_clear_failures_marked_transient_or_not(string model, bool transient, string message)
    {
        var e = await Assert.ThrowsAsync<EmbeddingFailedException>(() => Embedder(model).EmbedAsync(Guid.NewGuid(), null, ["x"], "document"));
        Assert.Equal(transient, e.Transient);
        Assert.Contains(message, e.Message);
        var usage = Assert.Single(_usage.Snapshot());
        Assert.False(usage.Success);
        Assert.NotNull(usage.Error);
    }

    [Fact]
    public async Task The_builtin_embedder_is_deterministic_offline_and_1024_wide()
    {
        var embedder = new WorkspaceEmbedder(new FixedSettings(null), _usage, new NoBudgetGuard(),
            Options.Create(new EmbeddingOptions()), NullLogger<WorkspaceEmbedder>.Instance);
        var a = await embedder.EmbedAsync(Guid.NewGuid(), null, ["paid leave policy"], "search");
        var b = await embedder.EmbedAsync(Guid.NewGuid(), null, ["paid leave policy"], "search");
        Assert.Equal(HashingEmbeddingGenerator.ModelId, a.Model);
        Assert.Equal(1024, a.Vectors[0].Length);
        Assert.Equal(a.Vectors[0], b.Vectors[0]);
        Assert.Equal(1.0, Math.Sqrt(a.Vectors[0].Sum(x => (double)x * x)), 3);
        Assert.Empty(_server.Requests);
        Assert.Equal(2, _usage.Snapshot().Count(u => u.Provider == "builtin"));
    }
}
