using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Tests.Infrastructure;
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
        Assert.Equal(new AiEndpoint("http://127.0.0.1:9/v1", Secret, "gpt-test") { WorkspaceSupplied = true }, settings.Chat);
        Assert.True(settings.Embeddings!.WorkspaceSupplied);
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
        await using var server = await OpenAiProtocolServer.StartAsync();
        server.ApiKey = Secret; // any other key gets OpenAI's 401 invalid_api_key
        server.ChatCompletion = _ => OpenAiReply.Answer("pong");
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var ok = await Keys.TestInputAsync(ws, owner, new ProviderKeyInput { BaseUrl = server.BaseUrl, ApiKey = Secret, ChatModel = "m", EmbeddingModel = "e" });
        Assert.True(ok.Ok, ok.Error);
        Assert.Contains("/v1/chat/completions", server.Requests.Select(r => r.Path));
        Assert.Contains("/v1/embeddings", server.Requests.Select(r => r.Path));

        var rejected = (await Keys.TestInputAsync(ws, owner, new ProviderKeyInput { BaseUrl = server.BaseUrl, ApiKey = "sk-wrong", ChatModel = "m" })).Error;
        Assert.Contains("rejected the API key", rejected);
        var unreachable = (await Keys.TestInputAsync(ws, owner, new ProviderKeyInput { BaseUrl = $"http://127.0.0.1:{SecondPostgresCluster.FreePort()}/v1", ChatModel = "m" })).Error;
        Assert.Contains("could not reach", unreachable);
    }

    [Fact]
    public async Task Testing_an_endpoint_takes_the_permission_saving_keys_takes()
    {
        await using var server = await OpenAiProtocolServer.StartAsync();
        server.ChatCompletion = _ => OpenAiReply.Answer("pong");
        var (ws, _) = await platform.CreateWorkspaceAsync();
        var member = await platform.CreateUserAsync();
        await platform.AddMemberAsync(ws, member, BuiltInRoles.Member);
        var refused = (await Keys.TestInputAsync(ws, member, new ProviderKeyInput { BaseUrl = server.BaseUrl, ChatModel = "m" })).Error;
        Assert.Contains("permission", refused);
        Assert.Empty(server.Requests);
    }

    /// <summary>A redirect could lead anywhere (an internal address the guard never saw): it is not followed.</summary>
    [Fact]
    public async Task A_redirect_is_not_followed()
    {
        await using var server = await OpenAiProtocolServer.StartAsync();
        server.ChatCompletion = _ => OpenAiReply.Answer("pong");
        using var redirector = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        redirector.Start();
        var port = ((System.Net.IPEndPoint)redirector.LocalEndpoint).Port;
        _ = Task.Run(async () =>
        {
            try
            {
                using var client = await redirector.AcceptTcpClientAsync();
                var stream = client.GetStream();
                var buffer = new byte[8192];
                if (await stream.ReadAsync(buffer) == 0) return; // the request (small)
                var answer = $"HTTP/1.1 307 Temporary Redirect\r\nLocation: {server.BaseUrl}/chat/completions\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(answer));
            }
            catch (Exception) { } // stopped
        });
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var result = (await Keys.TestInputAsync(ws, owner, new ProviderKeyInput { BaseUrl = $"http://localhost:{port}/v1", ChatModel = "m" })).Error;
        redirector.Stop();
        Assert.Contains("redirect, which is not followed", result);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task An_error_answer_is_trimmed_to_the_providers_message_never_the_raw_body()
    {
        await using var server = await OpenAiProtocolServer.StartAsync();
        server.ApiKey = Secret;
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        // A 401 from the server carries OpenAI's JSON body; the test says only what the person needs.
        var rejected = (await Keys.TestInputAsync(ws, owner, new ProviderKeyInput { BaseUrl = server.BaseUrl, ApiKey = "sk-wrong", ChatModel = "m" })).Error;
        Assert.Equal("Chat model 'm': the endpoint rejected the API key.", rejected);
    }
}

/// <summary>The production default (Ai:AllowPrivateNetworks false): a workspace's AI endpoint on loopback is refused
/// before anything is sent, in the test, on save and when a chat or embedding call is made.</summary>
public class AiKeysStrictTests(WorkspacesStrictPlatform platform) : IClassFixture<WorkspacesStrictPlatform>
{
    [Fact]
    public async Task A_workspace_endpoint_on_loopback_is_refused_by_default()
    {
        await using var server = await OpenAiProtocolServer.StartAsync();
        server.ChatCompletion = _ => OpenAiReply.Answer("pong");
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var keys = platform.Get<WorkspaceAiKeys>();
        var localhostUrl = server.BaseUrl.Replace("127.0.0.1", "localhost");
        foreach (var url in new[] { server.BaseUrl, localhostUrl })
            Assert.Equal($"Chat model 'm': {WorkspaceAiHttp.Refused}",
                (await keys.TestInputAsync(ws, owner, new ProviderKeyInput { BaseUrl = url, ChatModel = "m" })).Error);
        Assert.Equal(WorkspaceAiHttp.Refused, (await keys.AddAsync(ws, owner, new ProviderKeyInput { BaseUrl = server.BaseUrl, ChatModel = "m" })).Error);

        // A stored one (saved before today's rules) is refused when used: the SDK client goes through the guard.
        var factory = new Platform.Web.Ai.Chat.ChatProviderFactory(new Platform.Web.Ai.Chat.OfflineAssistant())
            { WorkspaceHttp = platform.Get<WorkspaceAiHttp>() };
        var provider = factory.Create(new AiEndpoint(server.BaseUrl, "k", "m") { WorkspaceSupplied = true });
        var failure = await Record.ExceptionAsync(() => provider.Client.GetResponseAsync("ping"));
        Assert.True(WorkspaceAiHttp.IsRefusal(failure), failure?.ToString());
        Assert.StartsWith(WorkspaceAiHttp.Refused, Platform.Web.Ai.Chat.ProviderFailure.From(failure!, receivedTokens: false).Message);
        Assert.Empty(server.Requests);

        // The operator's own endpoint (appsettings Ai:Chat) is trusted and not restricted.
        var trusted = factory.Create(new AiEndpoint(server.BaseUrl, "k", "m"));
        Assert.Equal("pong", (await trusted.Client.GetResponseAsync("ping")).Text);
    }
}
