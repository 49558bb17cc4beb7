using System.Text;
using Microsoft.Playwright;
using Platform.E2E.Infrastructure;

namespace Platform.E2E.Documents;

[Collection(PlatformCollection.Name)]
public class KnowledgeBaseJourneys(AppServer app, Browser browser)
{
    private static FilePayload Text(string name, string mime, string content) =>
        new() { Name = name, MimeType = mime, Buffer = Encoding.UTF8.GetBytes(content) };

    [Fact]
    public async Task Upload_three_files_watch_them_become_ready_search_and_open_the_cited_passage()
    {
        var page = await browser.NewPageAsync(app);
        await AccountSteps.SignInAsync(page, AccountSteps.DemoOwnerEmail, AccountSteps.DemoOwnerPassword);
        await page.GotoAsync("/w/acme/documents");
        await page.Locator("[data-testid=documents-table]").WaitForAsync();
        await page.Locator("[data-testid=upload-zone][data-interactive=true]").WaitForAsync();

        // Category and tags given before the upload apply to every file of the batch.
        await page.Locator("input[data-testid=new-category], [data-testid=new-category] input").First.FillAsync("Operations");
        await page.Locator("input[data-testid=new-tags], [data-testid=new-tags] input").First.FillAsync("customers, logistics");

        // Three files at once through the upload's file input (what a drop hands to it as well).
        await page.Locator("input[type=file]").SetInputFilesAsync(new[]
        {
            Text("onboarding.md", "text/markdown", "# Onboarding\n\n## First day\n\nNew starters receive their notebook computer from IT at 9:00 on day one."),
            Text("returns.html", "text/html", "<html><body><h1>Returns</h1><p>Customers may return goods within 30 days with the receipt code RX-2231.</p></body></html>"),
            Text("suppliers.csv", "text/csv", "supplier,city,contact\nNorthwind,Oslo,anna@northwind.test\nContoso,Lyon,luc@contoso.test\n"),
        });
        await Assertions.Expect(page.Locator("[data-testid=upload-batch]")).ToContainTextAsync("suppliers.csv");
        await Browser.ScreenshotAsync(page, "documents-1-uploaded");

        // The worker processes them in the background; the page follows live (no reload).
        var ready = page.Locator("[data-testid=document-status][data-status=ready]");
        await Assertions.Expect(ready).ToHaveCountAsync(4, new() { Timeout = 60_000 }); // three + the seeded handbook
        // The "This upload" panel follows the same live status (it kept saying "Queued for processing.").
        await Assertions.Expect(page.Locator("[data-testid=upload-item][data-status=ready]")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("[data-testid=upload-batch]")).Not.ToContainTextAsync("Queued");
        await Browser.ScreenshotAsync(page, "documents-2-ready");
        await Browser.ScreenshotDarkAsync(page, "documents-2-ready-dark");

        // A keyword-only question: the receipt code.
        await page.Locator("[data-testid=try-a-question]").ClickAsync();
        await page.Locator("input[data-testid=search-query], [data-testid=search-query] input").First.FillAsync("RX-2231");
        await page.Locator("[data-testid=search-button]").ClickAsync();
        var first = page.Locator("[data-testid=search-result]").First;
        // Titled by its content (the page's <h1>), not by its file name.
        await Assertions.Expect(first).ToContainTextAsync("Returns");
        // The uploads' category and tags are offered as filters.
        await Assertions.Expect(page.Locator("[data-testid=search-filters]")).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(page, "documents-3-search");

        // Open the cited passage: the viewer shows it highlighted in its document.
        await first.Locator("[data-testid=open-passage]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=passage]")).ToContainTextAsync("Passage 1");
        await Assertions.Expect(page.Locator("[data-testid=document-text] [data-testid=highlighted-passage]")).ToContainTextAsync("RX-2231");
        // The page's structure is rendered (its heading is a heading, not a "#" line).
        await Assertions.Expect(page.Locator("[data-testid=document-text] h1")).ToHaveTextAsync("Returns");
        await Browser.ScreenshotAsync(page, "documents-4-passage");
    }
}
