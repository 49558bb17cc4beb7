using System.Text.RegularExpressions;
using Markdig;
using Markdig.Renderers;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Platform.Web.Components.Shared;

namespace Platform.Web.Features.Chat.Components;

/// <summary>Where an inline citation marker leads (the passage in the document viewer) and what its tooltip says.</summary>
public sealed record CitationLink(string Href, string Title);

/// <summary>A piece of a rendered message: sanitized HTML, or a code block (shown with a copy button).</summary>
public sealed record MarkdownSegment(string? Html, string? Code, string? Language);

/// <summary>
/// Model output → safe HTML. Raw HTML in the markdown is shown as text (DisableHtml), the result goes through
/// <see cref="HtmlSafety"/> (no script, no event handlers, only http/https/mailto links), and images become
/// plain links that load nothing until clicked — so a prompt-injected image URL cannot exfiltrate data.
/// </summary>
public static partial class ChatMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml().UsePipeTables().UseEmphasisExtras().UseAutoLinks().Build(); // no task lists: they render <input>, which the sanitizer drops

    /// <summary>Renders <paramref name="markdown"/>; an inline citation "[n]" becomes a link to its passage when
    /// <paramref name="citationLink"/> knows n (the link's target and tooltip), else a plain superscript.</summary>
    public static IReadOnlyList<MarkdownSegment> Render(string markdown, Func<int, CitationLink?>? citationLink = null)
    {
        var document = Markdown.Parse(markdown ?? "", Pipeline);
        DefuseImages(document);
        var segments = new List<MarkdownSegment>();
        var pending = new List<Block>();
        foreach (var block in document.ToList())
        {
            if (block is CodeBlock code)
            {
                Flush(pending, segments, citationLink);
                segments.Add(new MarkdownSegment(null, code.Lines.ToString(), (code as FencedCodeBlock)?.Info));
            }
            else pending.Add(block);
        }
        Flush(pending, segments, citationLink);
        return segments;
    }

    /// <summary>The whole message as one sanitized HTML string (code blocks included), for tests and previews.</summary>
    public static string ToSafeHtml(string markdown, Func<int, CitationLink?>? citationLink = null) =>
        string.Concat(Render(markdown, citationLink).Select(s => s.Html ?? HtmlSafety.Sanitize("<pre><code>" + System.Net.WebUtility.HtmlEncode(s.Code) + "</code></pre>")));

    private static void Flush(List<Block> blocks, List<MarkdownSegment> segments, Func<int, CitationLink?>? citationLink)
    {
        if (blocks.Count == 0) return;
        var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        foreach (var b in blocks) renderer.Render(b);
        writer.Flush();
        var html = Citations().Replace(writer.ToString(), m =>
        {
            var n = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (citationLink?.Invoke(n) is not { } link) return $"<sup>[{n}]</sup>";
            // Both values are ours (a relative viewer URL, a title from the database), encoded all the same; the
            // sanitizer below still decides what survives.
            var href = System.Net.WebUtility.HtmlEncode(link.Href);
            var title = System.Net.WebUtility.HtmlEncode(link.Title);
            return $"<sup><a href=\"{href}\" title=\"{title}\">[{n}]</a></sup>";
        });
        segments.Add(new MarkdownSegment(HtmlSafety.Sanitize(html), null, null));
        blocks.Clear();
    }

    private static void DefuseImages(MarkdownDocument document)
    {
        foreach (var link in document.Descendants<LinkInline>().Where(l => l.IsImage).ToList())
        {
            link.IsImage = false;
            var label = string.IsNullOrWhiteSpace(link.Title) ? "image" : link.Title;
            link.AppendChild(new LiteralInline($" ({label}, not loaded)"));
        }
    }

    [GeneratedRegex(@"\[(\d{1,2})\](?![^<]*</a>)")]
    private static partial Regex Citations();
}
