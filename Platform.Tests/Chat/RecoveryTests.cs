using Microsoft.Extensions.DependencyInjection;
using Platform.Data.Tenant.Entities;
using Platform.Tests.Infrastructure;
using Platform.Web.Ai;
using Platform.Web.Ai.Chat;
using Platform.Web.Features.Chat;
using Platform.Web.Features.Chat.Engine;

namespace Platform.Tests.Chat;

/// <summary>Nothing is lost when the worker dies or the server stops mid-answer.</summary>
public class RecoveryTests(ChatPlatform platform) : IClassFixture<ChatPlatform>, IAsyncLifetime
{
    private OpenAiProtocolServer _server = null!;

    public async Task InitializeAsync() => _server = await OpenAiProtocolServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_worker_that_dies_mid_stream_leaves_the_message_interrupted_with_its_partial_text()
    {
        var actor = await platform.WorkspaceAsync(new AiEndpoint(_server.BaseUrl, "k", "mock-model"));
        // Instance A streams, flushes what it has, then goes silent for good (no flush, no heartbeat, no end):
        // from the database's point of view, a killed process.
        var reply = new OpenAiReply { Tokens = ["Written", " before", " the", " crash"], HoldAfter = 2 };
        _server.ChatStream = _ => reply;
        await using var doomed = platform.CreateInstance(o => { o.FlushInterval = TimeSpan.FromMilliseconds(50); o.StaleAfter = TimeSpan.FromHours(3); });
        await doomed.GetRequiredService<GenerationWorker>().StartAsync(CancellationToken.None);
        var sent = await doomed.GetRequiredService<ChatConversation>().SendAsync(actor, null, "Will this survive?");
        await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Content == "Written before");

        // Instance B (the restarted server) sweeps: A's heartbeat is stale by B's standard.
        await using var survivor = platform.CreateInstance(o => o.StaleAfter = TimeSpan.Zero);
        var recovered = await survivor.GetRequiredService<GenerationRecovery>().SweepWorkspaceAsync(actor.WorkspaceId);
        Assert.Equal(1, recovered);

        var m = await platform.MessageAsync(actor, sent.Value.AssistantId);
        Assert.Equal(MessageStatus.Interrupted, m.Status);
        Assert.Equal("Written before", m.Content);
        Assert.Equal(ProviderFailure.Interrupted, m.ErrorKind);
        var question = await platform.MessageAsync(actor, m.ParentId!.Value);
        Assert.Equal("Will this survive?", question.Content);

        // It can be regenerated on the survivor.
        await survivor.GetRequiredService<GenerationWorker>().StartAsync(CancellationToken.None);
        _server.ChatStream = _ => new OpenAiReply { Tokens = ["Survived"] };
        var again = await survivor.GetRequiredService<ChatConversation>().RegenerateAsync(actor, sent.Value.AssistantId);
        Assert.True(again.Ok, again.Error);
        await platform.WaitForAsync(actor, again.Value.AssistantId, x => x.Status == MessageStatus.Complete);
        await survivor.GetRequiredService<GenerationWorker>().StopAsync(CancellationToken.None);
        await doomed.GetRequiredService<GenerationWorker>().StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_live_generation_is_not_swept()
    {
        var actor = await platform.WorkspaceAsync(new AiEndpoint(_server.BaseUrl, "k", "mock-model"));
        var reply = new OpenAiReply { Tokens = ["Still", " going"], HoldAfter = 1 };
        _server.ChatStream = _ => reply;
        var sent = await platform.Conversation.SendAsync(actor, null, "Long one");
        await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Content == "Still");
        // Fresh heartbeat, and live in this instance: the sweep leaves it alone.
        Assert.Equal(0, await platform.Get<GenerationRecovery>().SweepWorkspaceAsync(actor.WorkspaceId));
        reply.Release.SetResult();
        await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Status == MessageStatus.Complete);
    }

    [Fact]
    public async Task Stopping_the_server_mid_answer_writes_it_down_as_interrupted()
    {
        var actor = await platform.WorkspaceAsync(new AiEndpoint(_server.BaseUrl, "k", "mock-model"));
        _server.ChatStream = _ => new OpenAiReply { Tokens = ["Kept", " text", " lost"], HoldAfter = 2 };
        await using var instance = platform.CreateInstance(_ => { });
        var worker = instance.GetRequiredService<GenerationWorker>();
        await worker.StartAsync(CancellationToken.None);
        var sent = await instance.GetRequiredService<ChatConversation>().SendAsync(actor, null, "Go");
        var hub = instance.GetRequiredService<GenerationRegistry>().Find(actor.WorkspaceId, sent.Value.AssistantId)!;
        await ChatPlatform.EventuallyAsync(() => hub.Snapshot().Text == "Kept text");

        await worker.StopAsync(CancellationToken.None);
        var m = await platform.MessageAsync(actor, sent.Value.AssistantId);
        Assert.Equal(MessageStatus.Interrupted, m.Status);
        Assert.Equal("Kept text", m.Content);
    }

    [Fact]
    public async Task The_offline_assistant_quotes_the_knowledge_base_with_citations_or_says_it_found_nothing()
    {
        var actor = await platform.WorkspaceAsync(null);
        var sent = await platform.Conversation.SendAsync(actor, null, "How many days of paid leave do we get?");
        var answer = await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Status == MessageStatus.Complete);
        Assert.Contains("28 days of paid leave", answer.Content);
        Assert.Contains("[1]", answer.Content);
        Assert.Contains("retrieval only", answer.Content);
        Assert.Equal(ChatProviderFactory.OfflineProvider, answer.Provider);
        Assert.Contains(platform.Usage.For(actor.WorkspaceId), u => u is { Operation: "answer", Provider: "offline", Success: true });

        var nothing = await platform.Conversation.SendAsync(actor, sent.Value.ChatId, "Explain quantum chromodynamics");
        var none = await platform.WaitForAsync(actor, nothing.Value.AssistantId, m => m.Status == MessageStatus.Complete);
        Assert.Contains("found nothing", none.Content);
        Assert.Equal("[]", none.Citations);
    }
}
