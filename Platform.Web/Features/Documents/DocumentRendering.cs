using System.Text;
using Platform.Web.Components.Shared;
using Platform.Web.Features.Chat.Components;
using Platform.Web.Features.Documents.Ingestion;

namespace Platform.Web.Features.Documents;

/// <summary>A piece of a document in the viewer: sanitized HTML, its anchor (passage-N or page-N), and whether it
/// holds the passage being shown.</summary>
public sealed record ViewerSection(string Anchor, string? Label, string Html, bool Highlighted);

/// <summary>
/// The viewer's rendering of a document's extracted text. Everything goes through the one sanitizer
/// (<see cref="HtmlSafety"/>): Markdown, HTML and Word documents render their structure again (headings, lists,
/// tables, code) passage by passage, so a cited passage can be scrolled to and highlighted whole; PDFs render page
/// by page with the passage marked; plain text and CSV stay text.
/// </summary>
public static class DocumentRendering
{
    public static IReadOnlyList<ViewerSection> Render(string content, string contentType, IReadOnlyList<ChunkView> chunks, Guid? selected)
    {
        var kind = DocumentKindDetector.FromContentType(contentType) ?? DocumentKind.Text;
        if (kind == DocumentKind.Pdf) return Pages(content, chunks.FirstOrDefault(c => c.Id == selected));
        var structured = kind is DocumentKind.Markdown or DocumentKind.Html or DocumentKind.Docx;
        var sections = new List<ViewerSection>();
        foreach (var (chunk, start, end) in Segments(content, chunks))
        {
            var text = content[start..end];
            if (string.IsNullOrWhiteSpace(text)) continue;
            var html = structured ? ChatMarkdown.ToSafeHtml(text) : HtmlSafety.Sanitize(Paragraphs(text, -1, -1));
            sections.Add(new ViewerSection(chunk is null ? "passage-rest" : $"passage-{chunk.Position + 1}", null, html,
                chunk is not null && chunk.Id == selected));
        }
        return sections;
    }

    /// <summary>The text cut at chunk boundaries without overlap: each chunk owns the text from the end of the one
    /// before it to its own end (chunks of a size cut repeat the previous one's tail); text no chunk covers goes
    /// with its neighbour.</summary>
    private static IEnumerable<(ChunkView? Chunk, int Start, int End)> Segments(string content, IReadOnlyList<ChunkView> chunks)
    {
        var at = 0;
        foreach (var c in chunks.OrderBy(c => c.Position))
        {
            var end = Math.Clamp(c.EndOffset, 0, content.Length);
            if (end <= at) continue;
            yield return (c, at, end);
            at = end;
        }
        if (at < content.Length) yield return (null, at, content.Length);
    }

    private static IReadOnlyList<ViewerSection> Pages(string content, ChunkView? selected)
    {
        var sections = new List<ViewerSection>();
        var pageStart = 0;
        var pages = content.Split(ExtractionResult.PageBreak);
        for (var i = 0; i < pages.Length; i++)
        {
            var pageEnd = pageStart + pages[i].Length;
            int markStart = -1, markEnd = -1;
            if (selected is not null && selected.StartOffset < pageEnd && selected.EndOffset > pageStart)
            {
                markStart = Math.Max(selected.StartOffset, pageStart) - pageStart;
                markEnd = Math.Min(selected.EndOffset, pageEnd) - pageStart;
            }
            sections.Add(new ViewerSection($"page-{i + 1}", $"Page {i + 1}", HtmlSafety.Sanitize(Paragraphs(pages[i], markStart, markEnd)),
                markStart >= 0));
            pageStart = pageEnd + 1; // the page break itself
        }
        return sections;
    }

    /// <summary>Plain text as paragraphs (blank lines) with line breaks kept, the range [markStart, markEnd) in &lt;mark&gt;.</summary>
    private static string Paragraphs(string text, int markStart, int markEnd)
    {
        var sb = new StringBuilder("<p>");
        var marking = false;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i == markStart && markEnd > markStart) { sb.Append("<mark>"); marking = true; }
            if (i == markEnd && marking) { sb.Append("</mark>"); marking = false; }
            if (i == text.Length) break;
            var c = text[i];
            if (c == '\n' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                // A mark spanning paragraphs is closed and reopened around the break: tags stay nested.
                sb.Append(marking ? "</mark></p><p><mark>" : "</p><p>");
                i++;
                continue;
            }
            if (c == '\n') sb.Append("<br>");
            else sb.Append(c switch { '<' => "&lt;", '>' => "&gt;", '&' => "&amp;", '"' => "&quot;", _ => c.ToString() });
        }
        if (marking) sb.Append("</mark>");
        return sb.Append("</p>").ToString();
    }
}
