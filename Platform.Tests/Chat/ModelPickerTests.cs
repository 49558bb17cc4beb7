using Platform.Data.Tenant.Entities;
using Platform.Tests.Infrastructure;
using Platform.Web.Ai;
using Platform.Web.Ai.Chat;
using Platform.Web.Features.Chat;

namespace Platform.Tests.Chat;

/// <summary>The per-chat model picker: only the workspace's configured models, persisted on the chat, used by the
/// next answer (against a real OpenAI-protocol server and real PostgreSQL).</summary>
public class ModelPickerTests(ChatPlatform platform) : IClassFixture<ChatPlatform>, IAsyncLifetime
{
    private OpenAiProtocolServer _server = null!;

    public async Task InitializeAsync() => _server = await OpenAiProtocolServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private AiEndpoint Endpoint => new(_server.BaseUrl, "sk-test", "mock-model");

    [Fact]
    public async Task The_catalog_offers_the_endpoint_model_and_the_offline_assistant()
    {
        var withEndpoint = await platform.WorkspaceAsync(Endpoint);
        var offlineOnly = await platform.WorkspaceAsync(null);
        var catalog = platform.Get<ChatModelCatalog>();

        Assert.Equal(["mock-model", OfflineAssistant.ModelId], (await catalog.ListAsync(withEndpoint.WorkspaceId)).Select(m => m.Id));
        Assert.Equal([OfflineAssistant.ModelId], (await catalog.ListAsync(offlineOnly.WorkspaceId)).Select(m => m.Id));
    }

    [Fact]
    public async Task A_chosen_model_is_persisted_and_used_by_the_next_answer()
    {
        var actor = await platform.WorkspaceAsync(Endpoint);
        var sent = await platform.Conversation.SendAsync(actor, null, "How many days of paid leave?");
        Assert.True(sent.Ok, sent.Error);
        var first = await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Status == MessageStatus.Complete);
        Assert.Equal("mock-model", first.Model);

        var set = await platform.Conversation.SetModelAsync(actor, sent.Value.ChatId, OfflineAssistant.ModelId);
        Assert.True(set.Ok, set.Error);
        Assert.Equal(OfflineAssistant.ModelId, (await platform.Conversation.LoadAsync(actor, sent.Value.ChatId))!.Model);

        var again = await platform.Conversation.RegenerateAsync(actor, sent.Value.AssistantId);
        Assert.True(again.Ok, again.Error);
        var second = await platform.WaitForAsync(actor, again.Value.AssistantId, m => m.Status == MessageStatus.Complete);
        Assert.Equal(ChatProviderFactory.OfflineProvider, second.Provider);
        Assert.Equal(OfflineAssistant.ModelId, second.Model);

        // Back to the default: the endpoint answers again.
        Assert.True((await platform.Conversation.SetModelAsync(actor, sent.Value.ChatId, null)).Ok);
        var third = await platform.Conversation.RegenerateAsync(actor, sent.Value.AssistantId);
        var answer = await platform.WaitForAsync(actor, third.Value.AssistantId, m => m.Status == MessageStatus.Complete);
        Assert.Equal("mock-model", answer.Model);
    }

    [Fact]
    public async Task A_model_the_workspace_has_not_configured_is_refused_and_others_chats_are_not_changed()
    {
        var actor = await platform.WorkspaceAsync(Endpoint);
        var sent = await platform.Conversation.SendAsync(actor, null, "Question?", model: OfflineAssistant.ModelId);
        Assert.True(sent.Ok, sent.Error);
        await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Status == MessageStatus.Complete);
        Assert.Equal(OfflineAssistant.ModelId, (await platform.Conversation.LoadAsync(actor, sent.Value.ChatId))!.Model);

        var refused = await platform.Conversation.SetModelAsync(actor, sent.Value.ChatId, "gpt-expensive");
        Assert.False(refused.Ok);
        Assert.Contains("gpt-expensive", refused.Error);
        Assert.Equal(OfflineAssistant.ModelId, (await platform.Conversation.LoadAsync(actor, sent.Value.ChatId))!.Model);

        var (_, strangerId) = await platform.CreateWorkspaceAsync();
        var stranger = new ChatActor(actor.WorkspaceId, strangerId);
        Assert.False((await platform.Conversation.SetModelAsync(stranger, sent.Value.ChatId, "mock-model")).Ok);
    }
}
