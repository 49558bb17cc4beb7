using Microsoft.EntityFrameworkCore;
using Platform.Data.Tenant.Entities;
using Platform.Tests.Infrastructure;
using Platform.Web.Ai;
using Platform.Web.Ai.Chat;
using Platform.Web.Features.Chat;

namespace Platform.Tests.Chat;

/// <summary>The generation engine against a real OpenAI-protocol server on 127.0.0.1 and real PostgreSQL.</summary>
public class GenerationTests(ChatPlatform platform) : IClassFixture<ChatPlatform>, IAsyncLifetime
{
    private OpenAiProtocolServer _server = null!;

    public async Task InitializeAsync() => _server = await OpenAiProtocolServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private AiEndpoint Endpoint => new(_server.BaseUrl, "sk-test", "mock-model");

    [Fact]
    public async Task The_question_is_saved_before_the_model_is_called_and_the_answer_completes_with_usage_and_citations()
    {
        var actor = await platform.WorkspaceAsync(Endpoint);
        string? seenAtCall = null;
        _server.OnRequest = async request =>
        {
            if (!request.Stream) return; // the answer's call, not the title's or the suggestions'
            // Runs inside the provider call: the question must already be in the database.
            await using var db = await platform.Tenants.OpenAsync(actor.WorkspaceId, actor.UserId);
            seenAtCall = await db.Messages.Where(m => m.Role == "user").Select(m => m.Content).SingleOrDefaultAsync();
        };

        var sent = await platform.Conversation.SendAsync(actor, null, "How many days of paid leave do we get?");
        Assert.True(sent.Ok, sent.Error);
        var answer = await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Status == MessageStatus.Complete);

        Assert.Equal("How many days of paid leave do we get?", seenAtCall);
        Assert.Equal("Hello from the mock.", answer.Content);
        Assert.Equal("stop", answer.FinishReason);
        Assert.Equal(42, answer.InputTokens);
        Assert.Equal(7, answer.OutputTokens);
        Assert.Equal("mock-model", answer.Model);
        Assert.NotNull(answer.FirstTokenMs);
        Assert.Contains("28 days of paid leave", answer.Citations);

        var prompt = _server.Requests.First(r => r.Stream).Body;
        Assert.Contains("untrusted", prompt);
        Assert.Contains("28 days of paid leave", prompt);

        // Title and suggestions follow, each a recorded model call like the answer.
        await ChatPlatform.EventuallyAsync(() => platform.Usage.For(actor.WorkspaceId).Count() >= 3);
        Assert.Equal(["answer", "suggestions", "title"], platform.Usage.For(actor.WorkspaceId).Select(u => u.Operation!).Order());
        // Each statement of a load sees the latest commit: wait for both halves of the follow-up write.
        var view = await WaitForViewAsync(actor, sent.Value.ChatId, v => v.Messages[^1].Suggestions.Count == 3 && v.Title != "New chat");
        Assert.Equal("Paid leave days", view.Title);
        Assert.Equal("idle", view.GenerationStatus);
    }

    [Fact]
    public async Task The_streaming_answer_is_flushed_to_the_database_while_it_streams()
    {
        var actor = await platform.WorkspaceAsync(Endpoint);
        var reply = new OpenAiReply { Tokens = ["One", " two", " three", " four"], HoldAfter = 3 };
        _server.ChatStream = _ => reply;

        var sent = await platform.Conversation.SendAsync(actor, null, "Count for me");
        var partial = await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Content == "One two three");
        Assert.Equal(MessageStatus.Streaming, partial.Status);

        reply.Release.SetResult();
        var done = await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Status == MessageStatus.Complete);
        Assert.Equal("One two three four", done.Content);
    }

    [Fact]
    public async Task A_subscriber_joining_mid_stream_sees_everything_so_far()
    {
        var actor = await platform.WorkspaceAsync(Endpoint);
        var reply = new OpenAiReply { Tokens = ["Alpha", " beta", " gamma"], HoldAfter = 2 };
        _server.ChatStream = _ => reply;
        var sent = await platform.Conversation.SendAsync(actor, null, "Greek letters");
        var registry = platform.Get<Platform.Web.Features.Chat.Engine.GenerationRegistry>();
        var hub = registry.Find(actor.WorkspaceId, sent.Value.AssistantId)!;
        await ChatPlatform.EventuallyAsync(() => hub.Snapshot().Text == "Alpha beta");

        // A second tab: joins late, sees the text so far, then the rest.
        var signals = 0;
        using var _ = hub.Changed.Subscribe(_ => Interlocked.Increment(ref signals));
        Assert.Equal("Alpha beta", hub.Snapshot().Text);
        reply.Release.SetResult();
        await ChatPlatform.EventuallyAsync(() => hub.Snapshot().Status == MessageStatus.Complete);
        Assert.Equal("Alpha beta gamma", hub.Snapshot().Text);
        Assert.True(signals >= 2);
        Assert.Null(registry.Find(actor.WorkspaceId, sent.Value.AssistantId));
    }

    [Fact]
    public async Task Stop_keeps_the_partial_answer_as_cancelled()
    {
        var actor = await platform.WorkspaceAsync(Endpoint);
        _server.ChatStream = _ => new OpenAiReply { Tokens = ["Partial", " answer", " never", " finished"], HoldAfter = 2 };
        var sent = await platform.Conversation.SendAsync(actor, null, "Tell me a long story");
        var hub = platform.Get<Platform.Web.Features.Chat.Engine.GenerationRegistry>().Find(actor.WorkspaceId, sent.Value.AssistantId)!;
        await ChatPlatform.EventuallyAsync(() => hub.Snapshot().Text == "Partial answer");

        var stopped = await platform.Conversation.StopAsync(actor, sent.Value.AssistantId);
        Assert.True(stopped.Ok);
        var m = await platform.WaitForAsync(actor, sent.Value.AssistantId, x => x.Status == MessageStatus.Cancelled);
        Assert.Equal("Partial answer", m.Content);
        Assert.Equal("cancelled", m.FinishReason);
        var view = await platform.Conversation.LoadAsync(actor, sent.Value.ChatId);
        Assert.Equal("cancelled", view!.GenerationStatus);

        // The chat is usable again at once.
        _server.ChatStream = _ => new OpenAiReply();
        Assert.True((await platform.Conversation.SendAsync(actor, sent.Value.ChatId, "Shorter please")).Ok);
    }

    [Fact]
    public async Task Regenerate_adds_a_version_and_versions_are_switchable()
    {
        var actor = await platform.WorkspaceAsync(Endpoint);
        _server.ChatStream = _ => new OpenAiReply { Tokens = ["First", " answer"] };
        var sent = await platform.Conversation.SendAsync(actor, null, "Question?");
        await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Status == MessageStatus.Complete);

        _server.ChatStream = _ => new OpenAiReply { Tokens = ["Second", " answer"] };
        var again = await platform.Conversation.RegenerateAsync(actor, sent.Value.AssistantId);
        Assert.True(again.Ok, again.Error);
        await platform.WaitForAsync(actor, again.Value.AssistantId, m => m.Status == MessageStatus.Complete);

        var view = (await platform.Conversation.LoadAsync(actor, sent.Value.ChatId))!;
        Assert.Equal(2, view.Messages.Count);
        Assert.Equal("Second answer", view.Messages[1].Content);
        Assert.Equal((1, 2), (view.Messages[1].VersionIndex, view.Messages[1].VersionCount));

        Assert.True((await platform.Conversation.SwitchVersionAsync(actor, sent.Value.AssistantId)).Ok);
        view = (await platform.Conversation.LoadAsync(actor, sent.Value.ChatId))!;
        Assert.Equal("First answer", view.Messages[1].Content);
        Assert.Equal(0, view.Messages[1].VersionIndex);
    }

    [Fact]
    public async Task Editing_a_question_branches_and_keeps_the_previous_version()
    {
        var actor = await platform.WorkspaceAsync(Endpoint);
        _server.ChatStream = request => new OpenAiReply { Tokens = [request.Body.Contains("edited") ? "Edited answer" : "Original answer"] };
        var first = await platform.Conversation.SendAsync(actor, null, "Original question");
        await platform.WaitForAsync(actor, first.Value.AssistantId, m => m.Status == MessageStatus.Complete);
        var second = await platform.Conversation.SendAsync(actor, first.Value.ChatId, "Follow-up");
        await platform.WaitForAsync(actor, second.Value.AssistantId, m => m.Status == MessageStatus.Complete);

        var view = (await platform.Conversation.LoadAsync(actor, first.Value.ChatId))!;
        Assert.Equal(4, view.Messages.Count);
        var edit = await platform.Conversation.EditAsync(actor, view.Messages[0].Id, "The edited question");
        Assert.True(edit.Ok, edit.Error);
        await platform.WaitForAsync(actor, edit.Value.AssistantId, m => m.Status == MessageStatus.Complete);

        view = (await platform.Conversation.LoadAsync(actor, first.Value.ChatId))!;
        Assert.Equal(["The edited question", "Edited answer"], view.Messages.Select(m => m.Content));
        Assert.Equal((1, 2), (view.Messages[0].VersionIndex, view.Messages[0].VersionCount));

        // The original branch, with its follow-up, is still there.
        await platform.Conversation.SwitchVersionAsync(actor, view.Messages[0].VersionIds[0]);
        view = (await platform.Conversation.LoadAsync(actor, first.Value.ChatId))!;
        Assert.Equal(["Original question", "Original answer", "Follow-up", "Original answer"], view.Messages.Select(m => m.Content));
    }

    public static TheoryData<int, string?, string> Errors => new()
    {
        { 401, null, ProviderFailure.Auth },
        { 429, "7", ProviderFailure.RateLimit },
        { 503, null, ProviderFailure.Server },
    };

    [Theory, MemberData(nameof(Errors))]
    public async Task Provider_errors_become_clear_messages_and_retry_works(int status, string? retryAfter, string kind)
    {
        var actor = await platform.WorkspaceAsync(Endpoint);
        _server.ChatStream = _ => new OpenAiReply { ErrorStatus = status, RetryAfter = retryAfter };
        var sent = await platform.Conversation.SendAsync(actor, null, "Anything?");
        var failed = await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Status == MessageStatus.Failed);
        Assert.Equal(kind, failed.ErrorKind);
        Assert.Contains(status.ToString(), failed.Error);
        if (retryAfter is not null)
        {
            Assert.Equal(7, failed.RetryAfterSeconds);
            Assert.Contains("7 s", failed.Error);
        }
        Assert.Contains(platform.Usage.For(actor.WorkspaceId), u => u is { Operation: "answer", Success: false });

        _server.ChatStream = _ => new OpenAiReply();
        var retry = await platform.Conversation.RegenerateAsync(actor, sent.Value.AssistantId);
        Assert.True(retry.Ok, retry.Error);
        await platform.WaitForAsync(actor, retry.Value.AssistantId, m => m.Status == MessageStatus.Complete);
    }

    [Fact]
    public async Task A_stream_cut_mid_answer_fails_clearly_and_keeps_the_partial_text()
    {
        var actor = await platform.WorkspaceAsync(Endpoint);
        // The cut comes once the client has the tokens (an abort can otherwise discard unread bytes).
        var reply = new OpenAiReply { Tokens = ["Half", " an", " answer"], HoldAfter = 3, CutAfterTokens = true };
        _server.ChatStream = _ => reply;
        var sent = await platform.Conversation.SendAsync(actor, null, "Go");
        var hub = platform.Get<Platform.Web.Features.Chat.Engine.GenerationRegistry>().Find(actor.WorkspaceId, sent.Value.AssistantId)!;
        await ChatPlatform.EventuallyAsync(() => hub.Snapshot().Text == "Half an answer");
        reply.Release.SetResult();
        var failed = await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Status == MessageStatus.Failed);
        Assert.Equal("Half an answer", failed.Content);
        Assert.Equal(ProviderFailure.Cut, failed.ErrorKind);
        Assert.Contains("cut off", failed.Error);
    }

    [Fact]
    public async Task An_unreachable_provider_is_reported()
    {
        var actor = await platform.WorkspaceAsync(new AiEndpoint("http://127.0.0.1:9/v1", null, ChatPlatform.MockModel));
        var sent = await platform.Conversation.SendAsync(actor, null, "Hello?");
        var failed = await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Status == MessageStatus.Failed);
        Assert.Equal(ProviderFailure.Unreachable, failed.ErrorKind);
    }

    [Fact]
    public async Task Empty_and_oversized_messages_are_refused_without_a_model_call()
    {
        var actor = await platform.WorkspaceAsync(Endpoint);
        Assert.Equal("Write a message first.", (await platform.Conversation.SendAsync(actor, null, "   ")).Error);
        Assert.Contains("at most", (await platform.Conversation.SendAsync(actor, null, new string('x', 40_000))).Error);
        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task Another_member_cannot_read_or_continue_a_private_chat()
    {
        var actor = await platform.WorkspaceAsync(Endpoint);
        var sent = await platform.Conversation.SendAsync(actor, null, "Private question");
        await platform.WaitForAsync(actor, sent.Value.AssistantId, m => !MessageStatus.IsLive(m.Status));
        var stranger = actor with { UserId = await platform.CreateUserAsync() };
        Assert.Null(await platform.Conversation.LoadAsync(stranger, sent.Value.ChatId));
        Assert.False((await platform.Conversation.SendAsync(stranger, sent.Value.ChatId, "Hijack")).Ok);
        Assert.False((await platform.Conversation.RegenerateAsync(stranger, sent.Value.AssistantId)).Ok);
        // Another workspace does not even see it.
        var other = await platform.WorkspaceAsync(Endpoint);
        Assert.Null(await platform.Conversation.LoadAsync(other with { UserId = actor.UserId }, sent.Value.ChatId));
    }

    private async Task<ChatView> WaitForViewAsync(ChatActor actor, Guid chatId, Func<ChatView, bool> condition)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var view = await platform.Conversation.LoadAsync(actor, chatId);
            if (view is not null && condition(view)) return view;
            if (DateTime.UtcNow > until) throw new TimeoutException("Chat view never matched.");
            await Task.Delay(20);
        }
    }
}
