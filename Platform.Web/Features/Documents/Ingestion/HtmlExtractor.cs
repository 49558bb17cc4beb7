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
        return ExtractionResult.Ok(sb.ToString(), string.IsNullOrEmpty(title) ? document.QuerySelector("h1")?.TextContent : title);
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
            // Structure the viewer renders again (Markdown): list items keep a marker, code stays verbatim in a
            // fence, table rows become pipe-table rows with a header rule after the first.
            // An item holding paragraphs, tables or lists of its own stays a block: flattened, they would run together.
            if (tag == "LI" && !element.Children.Any(c => c.TagName is "P" or "DIV" or "TABLE" or "UL" or "OL" or "PRE" or "BLOCKQUOTE"))
            {
                var ordered = element.ParentElement?.TagName == "OL";
                var number = element.ParentElement!.Children.TakeWhile(c => c != element).Count(c => c.TagName == "LI") + 1;
                sb.Append("\n\n").Append(ordered ? $"{number}. " : "- ");
                var start = sb.Length;
                Walk(element, sb, depthLeft - 1, ct);
                Flatten(sb, start);
                sb.Append("\n\n");
                continue;
            }
            if (tag == "PRE")
            {
                var code = element.TextContent.Trim('\n', '\r');
                if (!string.IsNullOrWhiteSpace(code) && !code.Contains("```")) { sb.Append("\n\n```\n").Append(code).Append("\n```\n\n"); continue; }
            }
            if (tag == "TR")
            {
                var cells = element.Children.Where(c => c.TagName is "TD" or "TH").ToList();
                if (cells.Count > 0)
                {
                    var first = element.Closest("table")?.QuerySelector("tr") == element;
                    if (sb.Length > 0 && sb[^1] != '\n') sb.Append('\n');
                    sb.Append("| ").AppendJoin(" | ", cells.Select(c => CollapseSpaces(c.TextContent).Trim().Replace("|", "\\|"))).Append(" |\n");
                    if (first) sb.Append('|').Append(string.Concat(Enumerable.Repeat(" --- |", cells.Count))).Append('\n');
                    continue;
                }
            }
            if (tag is "TD" or "TH") { Walk(element, sb, depthLeft - 1, ct); sb.Append(" | "); continue; }
            var block = Blocks.Contains(tag);
            if (block) sb.Append("\n\n");
            Walk(element, sb, depthLeft - 1, ct);
            if (block) sb.Append("\n\n");
        }
    }

    /// <summary>A list item's text on one line (nested paragraphs would break the item apart).</summary>
    private static void Flatten(StringBuilder sb, int start)
    {
        var text = CollapseSpaces(sb.ToString(start, sb.Length - start)).Trim();
        sb.Length = start;
        sb.Append(text);
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
