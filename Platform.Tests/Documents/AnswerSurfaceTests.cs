using Bunit;
using Platform.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Platform.Data.Tenant.Entities;
using Platform.Web.Features.Chat;
using Platform.Web.Features.Chat.Components;
using Platform.Web.Features.Chat.Engine;
using Platform.Web.Features.Documents;
using Platform.Web.Features.Documents.Ingestion;
using Platform.Web.Features.Documents.Search;

namespace Platform.Tests.Documents;

/// <summary>What a person sees of sources: citation links and chips (bUnit), the viewer's rendering through the
/// sanitizer, search snippets, offline follow-up questions.</summary>
public class AnswerSurfaceTests
{
    private static readonly Guid DocumentId = Guid.NewGuid();

    private static MessageView Answer(string content, IReadOnlyList<Citation> citations) =>
        new(Guid.NewGuid(), null, "assistant", content, MessageStatus.Complete, null, "offline", "offline-retrieval", null, 10, 5, 0m,
            12, 40, null, null, null, citations, DateTimeOffset.UtcNow, 0, 1, [Guid.NewGuid()], null, null, []);

    [Fact]
    public async Task Inline_markers_link_to_the_passage_and_chips_name_title_and_section_distinctly()
    {
        await using var ctx = new MudTestContext();
        ctx.Services.AddSingleton(new GenerationRegistry(Microsoft.Extensions.Logging.Abstractions.NullLogger<GenerationRegistry>.Instance));
        var chunk1 = Guid.NewGuid();
        var chunk2 = Guid.NewGuid();
        var chunk3 = Guid.NewGuid();
        IReadOnlyList<Citation> citations =
        [
            new(1, DocumentId, chunk1, "Acme handbook", 0, "Core hours are 10:00 to 16:00.", 0.5, "Acme handbook › Working hours"),
            new(2, DocumentId, chunk2, "Acme handbook", 4, "Everyone has 28 days of paid leave.", 0.4, "Acme handbook › Time off"),
            new(3, DocumentId, chunk3, "Acme handbook", 5, "Book leave ahead.", 0.3, "Acme handbook › Time off"),
        ];

        var cut = ctx.Render<MessageItem>(p => p
            .Add(x => x.Message, Answer("> Everyone has 28 days of paid leave. [2]\n\n<script>alert(1)</script> [9]", citations))
            .Add(x => x.DocumentsBase, "/w/acme/documents"));

        var link = cut.Find(".chat-markdown a[href*='chunk=']");
        Assert.Equal($"/w/acme/documents/{DocumentId}?chunk={chunk2}#passage", link.GetAttribute("href"));
        Assert.Equal("[2]", link.TextContent);
        Assert.Equal("Acme handbook · Time off", link.GetAttribute("title"));
        // An unknown number stays plain text; raw HTML stays text (the one sanitizer still applies).
        Assert.DoesNotContain("<script", cut.Find(".chat-markdown").InnerHtml);
        Assert.Single(cut.FindAll(".chat-markdown a[href*='chunk=']"));

        var chips = cut.FindAll("[data-testid=citation]").Select(c => c.TextContent.Replace('\u00a0', ' ')).ToList();
        Assert.Equal(["[1] Acme handbook · Working hours", "[2] Acme handbook · Time off (passage 5)", "[3] Acme handbook · Time off (passage 6)"], chips);
        Assert.Equal(3, chips.Distinct().Count());
    }

    [Fact]
    public void The_viewer_renders_structure_through_the_sanitizer_and_highlights_the_cited_passage()
    {
        const string text = "# Returns\n\n- Within 30 days\n- With the receipt\n\n| Code | Meaning |\n| --- | --- |\n| RX | Return |\n\n" +
                            "```\nrefund --all\n```\n\n<img src=x onerror=alert(1)> [click](javascript:alert(1))";
        var split = text.IndexOf("| Code", StringComparison.Ordinal);
        var first = new ChunkView(Guid.NewGuid(), 0, 0, split, 10, "Returns");
        var second = new ChunkView(Guid.NewGuid(), 1, split, text.Length, 10, "Returns");

        var sections = DocumentRendering.Render(text, "text/markdown", [first, second], second.Id);

        Assert.Equal(2, sections.Count);
        Assert.False(sections[0].Highlighted);
        Assert.True(sections[1].Highlighted);
        Assert.Contains("<h1>Returns</h1>", sections[0].Html);
        Assert.Contains("<li>Within 30 days</li>", sections[0].Html);
        Assert.Contains("<table>", sections[1].Html);
        Assert.Contains("<code>refund --all", sections[1].Html);
        var all = string.Concat(sections.Select(s => s.Html));
        Assert.DoesNotContain("<img", all);
        Assert.DoesNotContain("onerror=", all.Replace("&lt;img src=x onerror=alert(1)&gt;", ""));
        Assert.DoesNotContain("javascript:", all.Replace("[click](javascript:alert(1))", ""));
    }

    [Fact]
    public void A_pdf_is_shown_page_by_page_with_the_passage_marked_on_its_page()
    {
        var text = $"Cover page\n\nIntro text.{ExtractionResult.PageBreak}Second page <b>bold?</b>\n\nThe answer is 42.{ExtractionResult.PageBreak}Last page.";
        var start = text.IndexOf("The answer", StringComparison.Ordinal);
        var chunk = new ChunkView(Guid.NewGuid(), 1, start, start + "The answer is 42.".Length, 5, "Page 2");

        var sections = DocumentRendering.Render(text, "application/pdf", [chunk], chunk.Id);

        Assert.Equal(["Page 1", "Page 2", "Page 3"], sections.Select(s => s.Label));
        Assert.Equal([false, true, false], sections.Select(s => s.Highlighted));
        Assert.Contains("<mark>The answer is 42.</mark>", sections[1].Html);
        Assert.Contains("&lt;b&gt;bold?&lt;/b&gt;", sections[1].Html);
        Assert.Equal(2, TextExtraction.PageAt(text, start));
    }

    [Fact]
    public void Search_snippets_centre_on_the_best_sentence_and_mark_the_question_words()
    {
        var filler = string.Join(" ", Enumerable.Range(0, 12).Select(i => $"Filler sentence number {i} says nothing useful here."));
        var content = filler + " Customers may return goods within 30 days with the receipt code. " + filler;

        var parts = SearchSnippet.Build(content, "How many days to return goods?");
        var text = string.Concat(parts.Select(p => p.Text));

        Assert.Contains("Customers may return goods within 30 days", text);
        Assert.StartsWith("…", text);
        Assert.True(text.Length <= SearchSnippet.MaxChars + 10);
        Assert.Equal(["return", "goods", "days"], parts.Where(p => p.Match).Select(p => p.Text));
    }

    [Fact]
    public void Offline_follow_ups_are_questions_about_topic_headings_or_nothing()
    {
        Citation Cite(string excerpt, string? section = null) => new(1, DocumentId, Guid.NewGuid(), "Acme handbook", 0, excerpt, 0.5, section);

        var good = FollowUpWriter.OfflineSuggestions("What are the core working hours?", [
            Cite("## Working hours\nCore hours are 10:00 to 16:00.\n\n## Time off\nEveryone has 28 days.\n\n## Expenses\nReceipts.", "Acme handbook › Working hours"),
        ]);
        Assert.Equal(["What does “Acme handbook” say about time off?", "What does “Acme handbook” say about expenses?"], good);

        // Banners, fragments, version lines and page labels are not topics: no suggestion rather than a broken one.
        var none = FollowUpWriter.OfflineSuggestions("What is the default priority?", [
            Cite("# This file was automatically generated by the\n\n# Version 0.21\n\nThe default priority is 50.", "Page 3"),
        ]);
        Assert.Empty(none);
        Assert.False(FollowUpWriter.IsTopic("this file was automatically generated by the"));
        Assert.True(FollowUpWriter.IsTopic("Recommended checking order"));
    }
}
