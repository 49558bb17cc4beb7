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

    public static ExtractionResult Extract(string html)
    {
        var document = new HtmlParser().ParseDocument(html);
        var sb = new StringBuilder();
        var title = document.Title?.Trim();
        if (!string.IsNullOrEmpty(title) && document.QuerySelector("h1") is null) sb.Append("# ").Append(title).Append("\n\n");
        if (document.Body is not null) Walk(document.Body, sb);
        return ExtractionResult.Ok(sb.ToString());
    }

    private static void Walk(INode node, StringBuilder sb)
    {
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
            if (tag is "TD" or "TH") { Walk(element, sb); sb.Append(" | "); continue; }
            var block = Blocks.Contains(tag);
            if (block) sb.Append("\n\n");
            Walk(element, sb);
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
