using Bunit;
using Platform.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Platform.Data.Tenant.Entities;
using Platform.Web.Features.Chat;
using Platform.Web.Features.Chat.Components;
using Platform.Web.Features.Chat.Engine;

namespace Platform.Tests.Chat;

/// <summary>bUnit: the message list (live stream, coalesced renders, versions, errors) and the composer.</summary>
public class ChatComponentTests
{
    private static readonly Guid Workspace = Guid.NewGuid();

    private static MudTestContext Context(GenerationRegistry registry)
    {
        var ctx = new MudTestContext();
        ctx.Services.AddSingleton(registry);
        ctx.Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", true));
        return ctx;
    }

    private static MessageView Message(string role, string content, string status = MessageStatus.Complete, Guid? id = null,
        int versionIndex = 0, int versionCount = 1, string? error = null, IReadOnlyList<Citation>? citations = null,
        IReadOnlyList<string>? suggestions = null) =>
        new(id ?? Guid.NewGuid(), null, role, content, status, null, "offline", "offline-retrieval", null, 10, 5, 0m, 12, 40,
            error, error is null ? null : "server", null, citations ?? [], DateTimeOffset.UtcNow, versionIndex, versionCount,
            Enumerable.Range(0, versionCount).Select(_ => Guid.NewGuid()).ToList(), null, null, suggestions ?? []);

    private static ChatView View(params MessageView[] messages) =>
        new(Guid.NewGuid(), "Chat", false, null, null, "idle", IsOwner: true, Shared: false, messages);

    [Fact]
    public async Task A_live_answer_streams_into_the_list_with_coalesced_renders_and_ends_with_a_reload()
    {
        var registry = new GenerationRegistry(Microsoft.Extensions.Logging.Abstractions.NullLogger<GenerationRegistry>.Instance);
        await using var ctx = Context(registry);
        var answerId = Guid.NewGuid();
        var hub = new GenerationHub(Workspace, Guid.NewGuid(), Guid.NewGuid(), answerId, Microsoft.Extensions.Logging.Abstractions.NullLogger<GenerationHub>.Instance);
        registry.TryAdd(hub);
        var ended = 0;
        var cut = ctx.Render<MessageList>(p => p
            .Add(x => x.View, View(Message("user", "Question?"), Message("assistant", "", MessageStatus.Streaming, answerId)))
            .Add(x => x.WorkspaceId, Workspace)
            .Add(x => x.OnLiveEnded, () => { ended++; }));
        Assert.NotEmpty(cut.FindAll("[data-testid=thinking]"));

        const int tokens = 400;
        for (var i = 0; i < tokens; i++) hub.Append($"w{i} ");
        cut.WaitForAssertion(() => Assert.Contains($"w{tokens - 1}", cut.Find("[data-role=assistant]").TextContent));
        Assert.Equal("streaming", cut.Find("[data-role=assistant]").GetAttribute("data-status"));
        // 400 tokens in a burst cost a handful of renders, not 400.
        Assert.InRange(cut.Instance.LiveRenders, 1, 20);

        hub.Finish(MessageStatus.Complete, null);
        registry.Remove(hub);
        // The callback runs after the last render, so poll it (bUnit re-checks assertions only on renders).
        await ChatPlatform.EventuallyAsync(() => Volatile.Read(ref ended) >= 1, timeoutSeconds: 10);
    }

    [Fact]
    public async Task Versions_errors_citations_and_suggestions_are_shown_with_their_actions()
    {
        await using var ctx = Context(new GenerationRegistry(Microsoft.Extensions.Logging.Abstractions.NullLogger<GenerationRegistry>.Instance));
        Guid? regenerated = null, switched = null;
        string? suggested = null;
        Citation? cited = null;
        var citation = new Citation(1, Guid.NewGuid(), Guid.NewGuid(), "Handbook", 0, "28 days of paid leave", 0.5);
        var failed = Message("assistant", "Partial", MessageStatus.Failed, versionIndex: 1, versionCount: 2,
            error: "The AI provider had an internal error (HTTP 503). Try again.", citations: [citation], suggestions: ["And holidays?"]);
        var cut = ctx.Render<MessageList>(p => p
            .Add(x => x.View, View(Message("user", "Question?"), failed))
            .Add(x => x.WorkspaceId, Workspace)
            .Add(x => x.OnRegenerate, id => { regenerated = id; })
            .Add(x => x.OnSwitch, id => { switched = id; })
            .Add(x => x.OnSuggestion, s => { suggested = s; })
            .Add(x => x.OnCite, c => { cited = c; }));

        Assert.Contains("2 / 2", cut.Find("[data-testid=versions]").TextContent);
        Assert.Contains("HTTP 503", cut.Find("[data-testid=message-error]").TextContent);
        await cut.Find("[data-testid=retry]").ClickAsync(new());
        Assert.Equal(failed.Id, regenerated);
        await cut.Find("[aria-label='Previous version']").ClickAsync(new());
        Assert.Equal(failed.VersionIds[0], switched);
        await cut.Find("[data-testid=citation]").ClickAsync(new());
        Assert.Equal(citation, cited);
        await cut.Find("[data-testid=suggestion]").ClickAsync(new());
        Assert.Equal("And holidays?", suggested);
    }

    [Fact]
    public async Task The_composer_sends_trimmed_text_clears_itself_and_offers_stop_while_generating()
    {
        await using var ctx = Context(new GenerationRegistry(Microsoft.Extensions.Logging.Abstractions.NullLogger<GenerationRegistry>.Instance));
        var sent = new List<string>();
        var stopped = 0;
        var cut = ctx.Render<Composer>(p => p
            .Add(x => x.OnSend, s => { sent.Add(s); })
            .Add(x => x.OnStop, () => { stopped++; }));

        Assert.True(cut.Find("[data-testid=send]").HasAttribute("disabled"));
        cut.Find("textarea").Input("How many days of leave?");
        await cut.Find("[data-testid=send]").ClickAsync(new());
        Assert.Equal(["How many days of leave?"], sent);
        Assert.Equal("", cut.Instance.Text);

        await cut.Instance.SendFromKeyboard("Sent with Enter");
        Assert.Equal("Sent with Enter", sent[^1]);

        cut.Render(p => p.Add(x => x.Generating, true));
        Assert.Empty(cut.FindAll("[data-testid=send]"));
        await cut.Find("[data-testid=stop]").ClickAsync(new());
        Assert.Equal(1, stopped);
        await cut.Instance.SendFromKeyboard("ignored while generating");
        Assert.Equal(2, sent.Count);
        Assert.Contains("Enter to send", cut.Markup);
        cut.Render(p => p.Add(x => x.SendWithEnter, false));
        Assert.Contains("Ctrl+Enter to send", cut.Markup);
    }

    [Fact]
    public async Task Attachments_show_on_the_question_linking_to_the_document_and_pending_ones_in_the_composer()
    {
        await using var ctx = Context(new GenerationRegistry(Microsoft.Extensions.Logging.Abstractions.NullLogger<GenerationRegistry>.Instance));
        var documentId = Guid.NewGuid();
        var question = Message("user", "What does the travel note say?") with { Attachments = [new ChatAttachment(documentId, "travel.txt")] };
        var list = ctx.Render<MessageList>(p => p
            .Add(x => x.View, View(question, Message("assistant", "It says…")))
            .Add(x => x.WorkspaceId, Workspace)
            .Add(x => x.DocumentsBase, "/w/acme/documents"));
        var chip = list.Find("[data-role=user] [data-testid=attachment]");
        Assert.Contains("travel.txt", chip.TextContent);
        Assert.Contains($"/w/acme/documents/{documentId}", list.Find("[data-role=user]").InnerHtml);
        Assert.Empty(list.FindAll("[data-role=assistant] [data-testid=attachment]"));

        ChatAttachment? removed = null;
        var composer = ctx.Render<Composer>(p => p
            .Add(x => x.Attachments, [new ChatAttachment(documentId, "travel.txt")])
            .Add(x => x.OnRemoveAttachment, a => { removed = a; }));
        Assert.Contains("travel.txt", composer.Find("[data-testid=pending-attachments]").TextContent);
        await composer.Find("[data-testid=pending-attachments] .mud-chip-close-button").ClickAsync(new());
        Assert.Equal(documentId, removed?.DocumentId);
    }

    [Fact]
    public async Task A_refused_edit_keeps_the_edit_box_open_with_the_text_and_an_accepted_one_closes_it()
    {
        await using var ctx = Context(new GenerationRegistry(Microsoft.Extensions.Logging.Abstractions.NullLogger<GenerationRegistry>.Instance));
        var accept = false;
        var sent = new List<string>();
        var cut = ctx.Render<MessageList>(p => p
            .Add(x => x.View, View(Message("user", "Question?"), Message("assistant", "Answer.")))
            .Add(x => x.WorkspaceId, Workspace)
            .Add(x => x.OnEdit, edit => { sent.Add(edit.Text); return Task.FromResult(accept); }));

        await cut.Find("[data-role=user] [data-testid=edit]").ClickAsync(new());
        cut.Find("[data-testid=edit-text]").Input("A better question?");
        await cut.Find("[data-testid=edit-save]").ClickAsync(new());
        Assert.Equal(["A better question?"], sent);
        Assert.Equal("A better question?", cut.Find("[data-testid=edit-text]").GetAttribute("value"));

        accept = true;
        await cut.Find("[data-testid=edit-save]").ClickAsync(new());
        Assert.Empty(cut.FindAll("[data-testid=edit-text]"));
    }
}
