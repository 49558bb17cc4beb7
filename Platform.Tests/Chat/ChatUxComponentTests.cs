using Bunit;
using Platform.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Platform.Data.Tenant.Entities;
using Platform.Web.Features.Chat;
using Platform.Web.Features.Chat.Components;

namespace Platform.Tests.Chat;

/// <summary>bUnit: what a person meets around one message — their own question rendered, stats brought into view,
/// the shortcuts list.</summary>
public class ChatUxComponentTests : MudTestContext
{
    private const string ChatModule = "./Features/Chat/Components/Composer.razor.js";

    public ChatUxComponentTests()
    {
        Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", true));
    }

    private static MessageView Message(string role, string content) =>
        new(Guid.NewGuid(), null, role, content, MessageStatus.Complete, "stop", "offline", "offline-retrieval", null, 10, 5, 0m, 12, 40,
            null, null, null, [], DateTimeOffset.UtcNow, 0, 1, [Guid.NewGuid()], null, null, []);

    [Fact]
    public void A_users_question_renders_its_markdown_through_the_sanitizing_renderer()
    {
        var cut = Render<MessageItem>(p => p.Add(x => x.Message,
            Message("user", "How many **paid leave** days?\nSecond line with `code` <script>alert(1)</script> [x](javascript:alert(1))")));

        var text = cut.Find(".chat-user-text");
        Assert.Equal("paid leave", text.QuerySelector("strong")?.TextContent);
        Assert.Equal("code", text.QuerySelector("code")?.TextContent);
        Assert.DoesNotContain("**", text.TextContent);
        Assert.Empty(cut.FindAll(".chat-user-text script"));
        Assert.DoesNotContain("javascript:", string.Join(" ", cut.FindAll(".chat-user-text a").Select(a => a.GetAttribute("href"))));
    }

    [Fact]
    public async Task Opening_stats_for_nerds_scrolls_them_into_view()
    {
        var module = JSInterop.SetupModule(ChatModule);
        module.SetupVoid("reveal", _ => true).SetVoidResult();
        var message = Message("assistant", "An answer.");
        var cut = Render<MessageItem>(p => p.Add(x => x.Message, message).Add(x => x.CanAct, true));
        Assert.Empty(cut.FindAll("[data-testid=stats]"));

        await cut.Find("[data-testid=stats-toggle]").ClickAsync(new());
        Assert.NotEmpty(cut.FindAll("[data-testid=stats]"));
        cut.WaitForAssertion(() => Assert.Single(module.Invocations, i => i.Identifier == "reveal"));
        Assert.Equal("m-" + message.Id, module.Invocations.Single(i => i.Identifier == "reveal").Arguments[0]);

        // Closing does not scroll.
        await cut.Find("[data-testid=stats-toggle]").ClickAsync(new());
        Assert.Single(module.Invocations, i => i.Identifier == "reveal");
    }

    [Fact]
    public async Task The_shortcuts_dialog_lists_every_shortcut_with_the_users_send_key()
    {
        var provider = Render<MudDialogProvider>();
        var dialogs = Services.GetRequiredService<IDialogService>();
        await provider.InvokeAsync(() => dialogs.ShowAsync<ShortcutsDialog>("Keyboard shortcuts",
            new DialogParameters<ShortcutsDialog> { { d => d.SendWithEnter, false } }));

        provider.WaitForAssertion(() => Assert.Equal(6, provider.FindAll("[data-testid=shortcut]").Count));
        var rows = provider.FindAll("[data-testid=shortcut]")
            .Select(r => (Keys: string.Join("+", r.QuerySelectorAll("kbd").Select(k => k.TextContent.Trim())), Text: r.TextContent)).ToList();
        Assert.Contains(rows, r => r.Keys == "Ctrl+Enter" && r.Text.Contains("Send the message"));
        Assert.Contains(rows, r => r.Keys == "Ctrl+K" && r.Text.Contains("Search chats"));
        Assert.Contains(rows, r => r.Keys == "?" && r.Text.Contains("This list"));
    }

    [Fact]
    public async Task Enter_while_an_answer_is_written_keeps_the_question_in_the_box()
    {
        var sent = new List<string>();
        var cut = Render<Composer>(p => p.Add(x => x.OnSend, s => { sent.Add(s); }).Add(x => x.Generating, true));

        // Refused: the keyboard handler is told so and does not clear the box (it used to, losing the question).
        Assert.False(await cut.InvokeAsync(() => cut.Instance.SendFromKeyboard("What about sick leave?")));
        Assert.Empty(sent);
        Assert.Equal("What about sick leave?", cut.Instance.Text);

        cut.Render(p => p.Add(x => x.Generating, false));
        Assert.True(await cut.InvokeAsync(() => cut.Instance.SendFromKeyboard("What about sick leave?")));
        Assert.Equal(["What about sick leave?"], sent);
    }
}
