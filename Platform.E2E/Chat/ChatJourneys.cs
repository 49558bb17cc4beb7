using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Platform.E2E.Infrastructure;

namespace Platform.E2E.Chat;

/// <summary>The app for chat journeys: the offline assistant streams slowly enough to reload mid-answer.</summary>
public sealed class ChatApp : IAsyncLifetime
{
    public AppServer Server { get; } = new();

    public Task InitializeAsync()
    {
        Server.Environment_["Chat__OfflineChunkDelay"] = "00:00:00.120";
        return Server.InitializeAsync();
    }

    public Task DisposeAsync() => Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ChatCollection : ICollectionFixture<ChatApp>, ICollectionFixture<Browser>
{
    public const string Name = "chat";
}

[Collection(ChatCollection.Name)]
public class ChatJourneys(ChatApp chatApp, Browser browser)
{
    private AppServer App => chatApp.Server;

    private async Task<IPage> SignedInChatAsync()
    {
        var page = await browser.NewPageAsync(App);
        await AccountSteps.SignInAsync(page, AccountSteps.DemoOwnerEmail, AccountSteps.DemoOwnerPassword);
        await page.GotoAsync("/w/acme/chat");
        // Prerendered HTML shows first: type only once the circuit is interactive.
        await page.Locator("[data-testid=composer][data-ready=true]").WaitForAsync();
        return page;
    }

    private static ILocator LastAnswer(IPage page) => page.Locator("[data-testid=message][data-role=assistant]").Last;

    private static async Task AskAsync(IPage page, string question, bool withEnter = true)
    {
        var input = page.Locator("[data-testid=composer-input]");
        await input.FillAsync(question);
        if (withEnter) await input.PressAsync("Enter");
        else await page.Locator("[data-testid=send]").ClickAsync();
    }

    [Fact]
    public async Task A_question_is_answered_from_the_demo_document_with_a_citation_and_survives_a_reload_mid_answer()
    {
        var page = await SignedInChatAsync();
        await Browser.ScreenshotAsync(page, "chat-1-empty");
        await AskAsync(page, "How many days of paid leave do we get?");

        // Streaming: some text, not finished yet.
        // Client-side navigation (no load event): assert on the URL instead of waiting for a navigation.
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/w/acme/chat/[0-9a-f-]{36}$"));
        var answer = LastAnswer(page);
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-status", "streaming");
        await Assertions.Expect(answer.Locator(".chat-markdown")).ToContainTextAsync("knowledge base");
        await Browser.ScreenshotAsync(page, "chat-2-streaming");

        // Reload mid-answer: the page re-attaches to the live stream and the answer completes.
        var before = (await answer.InnerTextAsync()).Length;
        await page.ReloadAsync();
        await page.Locator("[data-testid=composer][data-ready=true]").WaitForAsync();
        answer = LastAnswer(page);
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-status", "streaming");
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-status", "complete", new() { Timeout = 60_000 });
        Assert.True((await answer.InnerTextAsync()).Length > before);
        await Assertions.Expect(answer).ToContainTextAsync("28 days of paid leave");
        await Assertions.Expect(answer).ToContainTextAsync("offline, retrieval only");
        await Assertions.Expect(page.Locator("[data-testid=thread]").First).ToContainTextAsync("How many days of paid leave");

        // The citation opens the passage.
        await answer.Locator("[data-testid=citation]").First.ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=citation-passage]")).ToContainTextAsync("28 days of paid leave");
        await Browser.ScreenshotAsync(page, "chat-3-citation");
        await page.Locator("[data-testid=citation-close]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=citation-passage]")).ToHaveCountAsync(0);

        // Vote down with a reason.
        await answer.Locator("[data-testid=vote-down]").ClickAsync();
        // The vote is saved at once (the chat reloads); then the optional reason.
        await Assertions.Expect(answer.Locator("[data-testid=vote-down]")).ToHaveClassAsync(new Regex("mud-error-text"));
        await page.Locator("[data-testid=vote-reason] input").FillAsync("Too short");
        await page.Locator("[data-testid=vote-reason-send]").ClickAsync();
        await Assertions.Expect(page.GetByText("your feedback was saved")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=vote-reason]")).ToHaveCountAsync(0);
        await Browser.ScreenshotAsync(page, "chat-4-voted");
    }

    [Fact]
    public async Task Shortcuts_help_opens_with_a_question_mark_questions_render_markdown_and_pinning_confirms()
    {
        var page = await SignedInChatAsync();

        // "?" outside a text field lists the shortcuts; inside the composer it is just a character.
        await page.Locator("[data-testid=chat-title]").ClickAsync();
        await page.Keyboard.PressAsync("?");
        var help = page.Locator(".mud-dialog", new() { HasText = "Keyboard shortcuts" });
        await Assertions.Expect(help).ToBeVisibleAsync();
        await Assertions.Expect(help.Locator("[data-testid=shortcut]")).ToHaveCountAsync(6);
        await Assertions.Expect(help).ToContainTextAsync("Search chats");
        await Browser.ScreenshotAsync(page, "chat-10-shortcuts");
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(help).ToHaveCountAsync(0);
        var input = page.Locator("[data-testid=composer-input]");
        await input.FocusAsync();
        await page.Keyboard.PressAsync("?");
        await Assertions.Expect(input).ToHaveValueAsync("?");
        await Assertions.Expect(help).ToHaveCountAsync(0);

        // The question's markdown is rendered (sanitized), not shown as source.
        await input.FillAsync("How many **paid leave** days? <script>window.pwned = 1</script>");
        await input.PressAsync("Enter");
        var question = page.Locator("[data-testid=message][data-role=user]").Last;
        await Assertions.Expect(question.Locator("strong")).ToHaveTextAsync("paid leave");
        await Assertions.Expect(question).Not.ToContainTextAsync("**");
        await Assertions.Expect(question.Locator("script")).ToHaveCountAsync(0);
        Assert.Null(await page.EvaluateAsync<int?>("() => window.pwned"));
        await Assertions.Expect(LastAnswer(page)).ToHaveAttributeAsync("data-status", "complete", new() { Timeout = 60_000 });

        // Pinning says so.
        await page.Locator("[data-testid=thread].active [data-testid=thread-menu] button").First.ClickAsync();
        await page.Locator("[data-testid=pin]").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar", new() { HasText = "Pinned" })).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(page, "chat-11-pinned");
        await Browser.ScreenshotDarkAsync(page, "chat-11-pinned-dark");
    }

    [Fact]
    public async Task Stop_keeps_the_partial_answer_and_regenerate_adds_a_switchable_version()
    {
        var page = await SignedInChatAsync();
        await AskAsync(page, "What are the core working hours?", withEnter: false);
        // Client-side navigation (no load event): assert on the URL instead of waiting for a navigation.
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/w/acme/chat/[0-9a-f-]{36}$"));
        var answer = LastAnswer(page);
        await Assertions.Expect(answer.Locator(".chat-markdown")).ToContainTextAsync("knowledge base");
        await page.Locator("[data-testid=stop]").ClickAsync();
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-status", "cancelled");
        await Assertions.Expect(answer.Locator("[data-testid=message-stopped]")).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(page, "chat-5-stopped");

        await answer.Locator("[data-testid=regenerate]").ClickAsync();
        answer = LastAnswer(page);
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-status", "complete", new() { Timeout = 60_000 });
        await Assertions.Expect(answer).ToContainTextAsync("10:00 to 16:00");
        await Assertions.Expect(answer.Locator("[data-testid=versions]")).ToContainTextAsync("2 / 2");
        await Assertions.Expect(answer.Locator("[data-testid=suggestion]").First).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(page, "chat-6-regenerated");

        // The stopped version is still there.
        await answer.GetByLabel("Previous version").ClickAsync();
        await Assertions.Expect(LastAnswer(page)).ToHaveAttributeAsync("data-status", "cancelled");
        await Assertions.Expect(LastAnswer(page).Locator("[data-testid=versions]")).ToContainTextAsync("1 / 2");
    }

    [Fact]
    public async Task Preferences_and_personalities_are_managed_in_chat_settings_and_apply_at_once()
    {
        var page = await SignedInChatAsync();
        await page.Locator("[data-testid=chat-settings]").ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/w/acme/chat/settings"));
        await page.Locator("[data-testid=stats-pref]").ClickAsync();
        await page.Locator("[data-testid=save-preferences]").ClickAsync();
        await Assertions.Expect(page.GetByText("Preferences saved.")).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(page, "chat-7-preferences");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Personalities" }).ClickAsync();
        await page.Locator("input[data-testid=personality-name], [data-testid=personality-name] input").First.FillAsync("Concise");
        await page.Locator("textarea[data-testid=personality-prompt], [data-testid=personality-prompt] textarea").First.FillAsync("Answer in one short paragraph.");
        await page.Locator("[data-testid=save-personality]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=personalities]")).ToContainTextAsync("Concise");
        await Browser.ScreenshotAsync(page, "chat-8-personalities");

        // Back in chat: stats for nerds show without asking, and the new personality can be picked.
        await page.GotoAsync("/w/acme/chat");
        await page.Locator("[data-testid=composer][data-ready=true]").WaitForAsync();
        await AskAsync(page, "How do I report a lost laptop?");
        var answer = LastAnswer(page);
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-status", "complete", new() { Timeout = 60_000 });
        await Assertions.Expect(answer.Locator("[data-testid=stats]")).ToContainTextAsync("tokens");
        await Assertions.Expect(answer).ToContainTextAsync("security@acme.test");
        await Browser.ScreenshotAsync(page, "chat-9-stats");
    }
}
