using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Web.Ai;
using Platform.Web.Features.Workspaces;

namespace Platform.Tests.Workspaces;

public class AiKeysTests(WorkspacesLocalPlatform platform) : IClassFixture<WorkspacesLocalPlatform>
{
    private WorkspaceAiKeys Keys => platform.Get<WorkspaceAiKeys>();
    private const string Secret = "sk-test-0123456789abcdef-SECRET";

    [Fact]
    public async Task A_key_is_encrypted_at_rest_shown_only_as_a_hint_and_served_to_the_ai_contract()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        Assert.Null((await platform.Get<IWorkspaceAiSettingsProvider>().GetAsync(ws)).Chat); // offline default

        var added = await Keys.AddAsync(ws, owner, new ProviderKeyInput
        {
            Name = "Team OpenAI", BaseUrl = "http://127.0.0.1:9/v1", ApiKey = Secret, ChatModel = "gpt-test", EmbeddingModel = "embed-test",
        });
        Assert.True(added.Ok, added.Error);

        await using (var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(ws)))
        {
            var stored = await db.WorkspaceProviderKeys.SingleAsync(k => k.WorkspaceId == ws);
            Assert.DoesNotContain(Secret, stored.EncryptedApiKey);
            Assert.DoesNotContain("0123456789abcdef", stored.EncryptedApiKey);
            Assert.Equal("sk-…CRET", stored.KeyHint);
            Assert.DoesNotContain(await db.AuditLog.Where(a => a.WorkspaceId == ws).Select(a => a.Details).ToListAsync(),
                d => d.Contains(Secret));
        }
        var row = (await Keys.ListAsync(ws, owner)).Single();
        Assert.Equal("sk-…CRET", row.KeyHint);

        var settings = await platform.Get<IWorkspaceAiSettingsProvider>().GetAsync(ws);
        Assert.Equal(new AiEndpoint("http://127.0.0.1:9/v1", Secret, "gpt-test"), settings.Chat);
        Assert.Equal("embed-test", settings.Embeddings!.Model);

        Assert.True((await Keys.RotateAsync(ws, owner, row.Id, "sk-rotated-abcdefghijkl-9999")).Ok);
        Assert.Equal("sk-rotated-abcdefghijkl-9999", (await platform.Get<IWorkspaceAiSettingsProvider>().GetAsync(ws)).Chat!.ApiKey);
        Assert.True((await Keys.DeleteAsync(ws, owner, row.Id)).Ok);
        Assert.Null((await platform.Get<IWorkspaceAiSettingsProvider>().GetAsync(ws)).Chat);
    }

    [Fact]
    public async Task A_member_cannot_read_or_add_keys()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var member = await platform.CreateUserAsync();
        await platform.AddMemberAsync(ws, member, BuiltInRoles.Member);
        await Keys.AddAsync(ws, owner, new ProviderKeyInput { ApiKey = Secret });
        Assert.Empty(await Keys.ListAsync(ws, member));
        Assert.False((await Keys.AddAsync(ws, member, new ProviderKeyInput { Name = "Mine", ApiKey = Secret })).Ok);
    }

    [Fact]
    public async Task Test_calls_a_real_openai_compatible_server_and_names_a_rejected_key()
    {
        await using var server = await FakeOpenAi.StartAsync(validKey: Secret);
        var ok = await Keys.TestInputAsync(new ProviderKeyInput { BaseUrl = server.BaseUrl, ApiKey = Secret, ChatModel = "m", EmbeddingModel = "e" });
        Assert.Null(ok);
        Assert.Contains("/v1/chat/completions", server.Paths);
        Assert.Contains("/v1/embeddings", server.Paths);

        var rejected = await Keys.TestInputAsync(new ProviderKeyInput { BaseUrl = server.BaseUrl, ApiKey = "sk-wrong", ChatModel = "m" });
        Assert.Contains("rejected the API key", rejected);
        var unreachable = await Keys.TestInputAsync(new ProviderKeyInput { BaseUrl = $"http://127.0.0.1:{SecondPostgresCluster.FreePort()}/v1", ChatModel = "m" });
        Assert.Contains("could not reach", unreachable);
    }
}

/// <summary>A minimal OpenAI-compatible HTTP server on 127.0.0.1 (chat completions and embeddings).</summary>
public sealed class FakeOpenAi : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly string _validKey;
    private readonly Task _loop;
    public string BaseUrl { get; }
    public List<string> Paths { get; } = [];

    private FakeOpenAi(string validKey)
    {
        _validKey = validKey;
        var port = SecondPostgresCluster.FreePort();
        BaseUrl = $"http://127.0.0.1:{port}/v1";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public static Task<FakeOpenAi> StartAsync(string validKey) => Task.FromResult(new FakeOpenAi(validKey));

    private async Task LoopAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
            lock (Paths) Paths.Add(context.Request.Url!.AbsolutePath);
            var authorized = context.Request.Headers["Authorization"] == $"Bearer {_validKey}";
            var body = !authorized ? """{"error":{"message":"Incorrect API key provided"}}"""
                : context.Request.Url.AbsolutePath.EndsWith("embeddings")
                    ? """{"object":"list","data":[{"object":"embedding","index":0,"embedding":[0.1,0.2]}],"model":"e","usage":{"prompt_tokens":1,"total_tokens":1}}"""
                    : """{"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"pong"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""";
            context.Response.StatusCode = authorized ? 200 : 401;
            context.Response.ContentType = "application/json";
            var bytes = Encoding.UTF8.GetBytes(body);
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        await _loop;
    }
}
