using System.Text.RegularExpressions;
using Markdig;
using Markdig.Renderers;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Platform.Web.Components.Shared;

namespace Platform.Web.Features.Chat.Components;

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

    public static IReadOnlyList<MarkdownSegment> Render(string markdown)
    {
        var document = Markdown.Parse(markdown ?? "", Pipeline);
        DefuseImages(document);
        var segments = new List<MarkdownSegment>();
        var pending = new List<Block>();
        foreach (var block in document.ToList())
        {
            if (block is CodeBlock code)
            {
                Flush(pending, segments);
                segments.Add(new MarkdownSegment(null, code.Lines.ToString(), (code as FencedCodeBlock)?.Info));
            }
            else pending.Add(block);
        }
        Flush(pending, segments);
        return segments;
    }

    /// <summary>The whole message as one sanitized HTML string (code blocks included), for tests and previews.</summary>
    public static string ToSafeHtml(string markdown) =>
        string.Concat(Render(markdown).Select(s => s.Html ?? HtmlSafety.Sanitize("<pre><code>" + System.Net.WebUtility.HtmlEncode(s.Code) + "</code></pre>")));

    private static void Flush(List<Block> blocks, List<MarkdownSegment> segments)
    {
        if (blocks.Count == 0) return;
        var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        foreach (var b in blocks) renderer.Render(b);
        writer.Flush();
        var html = Citations().Replace(writer.ToString(), "<sup>[$1]</sup>");
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
