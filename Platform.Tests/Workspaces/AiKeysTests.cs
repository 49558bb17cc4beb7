using Microsoft.EntityFrameworkCore;
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
        await using var server = await OpenAiProtocolServer.StartAsync();
        server.ApiKey = Secret; // any other key gets OpenAI's 401 invalid_api_key
        server.ChatCompletion = _ => OpenAiReply.Answer("pong");
        var ok = await Keys.TestInputAsync(new ProviderKeyInput { BaseUrl = server.BaseUrl, ApiKey = Secret, ChatModel = "m", EmbeddingModel = "e" });
        Assert.Null(ok);
        Assert.Contains("/v1/chat/completions", server.Requests.Select(r => r.Path));
        Assert.Contains("/v1/embeddings", server.Requests.Select(r => r.Path));

        var rejected = await Keys.TestInputAsync(new ProviderKeyInput { BaseUrl = server.BaseUrl, ApiKey = "sk-wrong", ChatModel = "m" });
        Assert.Contains("rejected the API key", rejected);
        var unreachable = await Keys.TestInputAsync(new ProviderKeyInput { BaseUrl = $"http://127.0.0.1:{SecondPostgresCluster.FreePort()}/v1", ChatModel = "m" });
        Assert.Contains("could not reach", unreachable);
    }
}
