using Platform.Data.Tenant.Entities;
using Platform.Tests.Infrastructure;
using Platform.Web.Ai;
using Platform.Web.Features.Chat.Engine;

namespace Platform.Tests.Chat;

/// <summary>Chat:MaxConcurrentGenerationsPerWorkspace (default 4): one more answer in the same workspace waits its
/// turn, and is answered once a slot frees; another workspace is not held up meanwhile.</summary>
public class GenerationCapTests(ChatPlatform platform) : IClassFixture<ChatPlatform>, IAsyncLifetime
{
    private OpenAiProtocolServer _busy = null!, _other = null!;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task InitializeAsync()
    {
        _busy = await OpenAiProtocolServer.StartAsync();
        _other = await OpenAiProtocolServer.StartAsync();
        _busy.OnRequest = async r => { if (r.Stream) await _release.Task; };
    }

    public async Task DisposeAsync()
    {
        _release.TrySetResult();
        await _busy.DisposeAsync();
        await _other.DisposeAsync();
    }

    [Fact]
    public async Task One_generation_over_the_cap_waits_while_another_workspace_is_answered()
    {
        var busy = await platform.WorkspaceAsync(new AiEndpoint(_busy.BaseUrl, "k", ChatPlatform.MockModel));
        var other = await platform.WorkspaceAsync(new AiEndpoint(_other.BaseUrl, "k", ChatPlatform.MockModel));
        var cap = new ChatEngineOptions().MaxConcurrentGenerationsPerWorkspace;
        Assert.Equal(4, cap);

        var sends = new List<Guid>();
        for (var i = 0; i <= cap; i++)
        {
            var sent = await platform.Conversation.SendAsync(busy, null, $"Question {i}");
            Assert.True(sent.Ok, sent.Error);
            sends.Add(sent.Value.AssistantId);
        }
        await ChatPlatform.EventuallyAsync(() => _busy.Requests.Count(r => r.Stream) == cap);
        var slots = platform.Get<WorkspaceGenerationSlots>();
        Assert.Equal(cap, slots.Running(busy.WorkspaceId));

        // Another workspace is answered at once, while the busy one is still at its cap with one waiting.
        var elsewhere = await platform.Conversation.SendAsync(other, null, "Not blocked?");
        await platform.WaitForAsync(other, elsewhere.Value.AssistantId, m => m.Status == MessageStatus.Complete);
        Assert.Equal(cap, _busy.Requests.Count(r => r.Stream));
        Assert.Equal(MessageStatus.Streaming, (await platform.MessageAsync(busy, sends[^1])).Status);

        // The waiting one runs once a slot frees: all five are answered.
        _release.SetResult();
        foreach (var id in sends) await platform.WaitForAsync(busy, id, m => m.Status == MessageStatus.Complete, 60);
        Assert.Equal(cap + 1, _busy.Requests.Count(r => r.Stream));
        await ChatPlatform.EventuallyAsync(() => slots.Running(busy.WorkspaceId) == 0);
    }
}
