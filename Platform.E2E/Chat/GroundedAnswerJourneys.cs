using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Platform.E2E.Infrastructure;

namespace Platform.E2E.Chat;

/// <summary>Issue #12's first-time experience without a key: upload a real PDF, ask the built-in assistant, read
/// the answering sentence quoted, follow its [1] to the passage highlighted in the document.</summary>
[Collection(ChatCollection.Name)]
public class GroundedAnswerJourneys(ChatApp chatApp, Browser browser)
{
    private const string Question = "What is the default priority of magic rules in the shared MIME-info database, and what is the maximum?";
    private const string Answer = "The default priority value is 50, and the maximum is 100.";

    [Fact]
    public async Task The_offline_assistant_quotes_the_answering_sentence_of_an_uploaded_pdf_and_its_citation_opens_the_passage()
    {
        var page = await browser.NewPageAsync(chatApp.Server);
        await AccountSteps.SignInAsync(page, AccountSteps.DemoOwnerEmail, AccountSteps.DemoOwnerPassword);
        await page.GotoAsync("/w/acme/documents");
        await page.Locator("[data-testid=upload-zone][data-interactive=true]").WaitForAsync();
        await page.Locator("input[type=file]").SetInputFilesAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "shared-mime-info-spec.pdf"));
        await Assertions.Expect(page.Locator("[data-testid=upload-item][data-status=ready]")).ToHaveCountAsync(1, new() { Timeout = 120_000 });
        await Browser.ScreenshotAsync(page, "answers-1-pdf-ready");

        await page.GotoAsync("/w/acme/chat");
        await page.Locator("[data-testid=composer][data-ready=true]").WaitForAsync();
        await page.Locator("[data-testid=composer-input]").FillAsync(Question);
        await page.Locator("[data-testid=send]").ClickAsync();
        var answer = page.Locator("[data-testid=message][data-role=assistant]").Last;
        await Assertions.Expect(answer).ToHaveAttributeAsync("data-status", "complete", new() { Timeout = 60_000 });
        await Assertions.Expect(answer.Locator(".chat-markdown")).ToContainTextAsync(Answer);
        // Not the glob weight's "default ... 50, maximum ... 100" next to it. (On this PDF the hashing embedder still
        // adds "The old magic database had complex escaping rules" as a second quote; the HTML unit test excludes it.)
        await Assertions.Expect(answer.Locator(".chat-markdown")).Not.ToContainTextAsync("weight");
        // Its source chip names the document and the page the passage is on.
        await Assertions.Expect(answer.Locator("[data-testid=citation]", new() { HasText = "Page" }).First).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(page, "answers-2-quoted");
        await Browser.ScreenshotDarkAsync(page, "answers-2-quoted-dark");

        // The inline marker after the quote is a link to that passage in the viewer.
        var marker = answer.Locator(".chat-markdown blockquote", new() { HasText = Answer }).Locator("a[href*='chunk=']").Last;
        await marker.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/w/acme/documents/[0-9a-f-]{36}\?chunk=[0-9a-f-]{36}#passage$"));
        var highlighted = page.Locator("[data-testid=document-text] #passage");
        await Assertions.Expect(highlighted).ToContainTextAsync("default priority value is 50");
        await Assertions.Expect(highlighted.Locator("mark").First).ToContainTextAsync("default priority value is 50");
        await Assertions.Expect(highlighted.Locator("mark").First).ToBeInViewportAsync();
        await Browser.ScreenshotAsync(page, "answers-3-passage");
        await Browser.ScreenshotDarkAsync(page, "answers-3-passage-dark");
    }
}
