using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Platform.Web.Features.Documents.Ingestion;

/// <summary>Visible text of an HTML page: headings become "#" lines, blocks become paragraphs, scripts and styles
/// are dropped. The HTML is only parsed, never rendered.</summary>
internal static class HtmlExtractor
{
    private static readonly HashSet<string> Skipped = ["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "SVG", "IFRAME", "OBJECT", "HEAD"];
    private static readonly HashSet<string> Blocks = ["P", "DIV", "SECTION", "ARTICLE", "LI", "TR", "BLOCKQUOTE", "PRE", "UL", "OL", "TABLE", "HEADER", "FOOTER", "MAIN", "NAV", "DD", "DT"];

    /// <summary>Refuses pages nested deeper than <see cref="DocumentsOptions.MaxHtmlDepth"/> before parsing: the
    /// parser's work grows with the square of the depth (a 22 MB page of ~950,000 nested elements kept a core busy
    /// for a quarter of an hour). The parse itself stops when <paramref name="ct"/> is cancelled.</summary>
    public static ExtractionResult Extract(string html, DocumentsOptions options, CancellationToken ct)
    {
        if (HtmlDepth.Exceeds(html, options.MaxHtmlDepth))
            return ExtractionResult.Fail($"The HTML page nests elements more than {options.MaxHtmlDepth:N0} levels deep, which is not supported.");
        var document = new HtmlParser().ParseDocumentAsync(html, ct).GetAwaiter().GetResult();
        var sb = new StringBuilder();
        var title = document.Title?.Trim();
        if (!string.IsNullOrEmpty(title) && document.QuerySelector("h1") is null) sb.Append("# ").Append(title).Append("\n\n");
        // The depth check above is an estimate; the walk (recursive) keeps its own bound, so a tree the estimate
        // missed cannot exhaust the stack: anything deeper is left out.
        if (document.Body is not null) Walk(document.Body, sb, options.MaxHtmlDepth * 2, ct);
        return ExtractionResult.Ok(sb.ToString());
    }

    private static void Walk(INode node, StringBuilder sb, int depthLeft, CancellationToken ct)
    {
        if (depthLeft <= 0) return;
        ct.ThrowIfCancellationRequested();
        foreach (var child in node.ChildNodes)
        {
            if (child is IText text)
            {
                var t = text.Data;
                if (!string.IsNullOrWhiteSpace(t)) sb.Append(CollapseSpaces(t));
                continue;
            }
            if (child is not IElement element || Skipped.Contains(element.TagName)) continue;
            var tag = element.TagName;
            if (tag.Length == 2 && tag[0] == 'H' && char.IsAsciiDigit(tag[1]))
            {
                sb.Append("\n\n").Append(new string('#', tag[1] - '0')).Append(' ').Append(CollapseSpaces(element.TextContent).Trim()).Append("\n\n");
                continue;
            }
            if (tag == "BR") { sb.Append('\n'); continue; }
            if (tag is "TD" or "TH") { Walk(element, sb, depthLeft - 1, ct); sb.Append(" | "); continue; }
            var block = Blocks.Contains(tag);
            if (block) sb.Append("\n\n");
            Walk(element, sb, depthLeft - 1, ct);
            if (block) sb.Append("\n\n");
        }
    }

    private static string CollapseSpaces(string s)
    {
        var sb = new StringBuilder(s.Length);
        var space = false;
        foreach (var c in s)
        {
            if (char.IsWhiteSpace(c)) { if (!space) sb.Append(' '); space = true; }
            else { sb.Append(c); space = false; }
        }
        return sb.ToString();
    }
}
