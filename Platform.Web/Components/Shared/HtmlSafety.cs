using AngleSharp.Css.Dom;
using Ganss.Xss;

namespace Platform.Web.Components.Shared;

/// <summary>
/// The one way untrusted HTML (model output, document text, mail bodies) reaches the page. An explicit allow-list:
/// only the tags and attributes our markdown rendering (and our own mail bodies) produce survive; everything else
/// (svg, math, details, iframe, style, input, img …) is dropped with its content, as are style and on* attributes.
/// Links keep only http, https and mailto targets; nothing remote loads by itself (no img).
/// </summary>
public static class HtmlSafety
{
    /// <summary>What Markdig (CommonMark + pipe tables, emphasis extras, autolinks) emits, plus b/i from mail bodies.</summary>
    public static readonly IReadOnlySet<string> AllowedTags = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
        "strong", "em", "b", "i", "del", "ins", "mark", "sub", "sup", "code", "pre", "blockquote",
        "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
    };

    /// <summary>Attributes allowed on any allowed tag (the sanitizer has no per-tag list; none of these can run code).</summary>
    public static readonly IReadOnlySet<string> AllowedAttributes = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "href", "title", "align", "start",
    };

    private static readonly HtmlSanitizer Sanitizer = Create();

    private static HtmlSanitizer Create()
    {
        var s = new HtmlSanitizer(new HtmlSanitizerOptions
        {
            AllowedTags = new HashSet<string>(AllowedTags, StringComparer.OrdinalIgnoreCase),
            AllowedAttributes = new HashSet<string>(AllowedAttributes, StringComparer.OrdinalIgnoreCase),
            AllowedSchemes = new HashSet<string>(["http", "https", "mailto"], StringComparer.OrdinalIgnoreCase),
            UriAttributes = new HashSet<string>(["href"], StringComparer.OrdinalIgnoreCase),
            AllowedCssProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase),
            AllowedAtRules = new HashSet<CssRuleType>(),
        });
        s.AllowDataAttributes = false;
        s.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Html.Dom.IHtmlAnchorElement a) a.SetAttribute("rel", "noopener noreferrer nofollow");
        };
        return s;
    }

    public static string Sanitize(string html) => Sanitizer.Sanitize(html);
}
