using Ganss.Xss;

namespace Platform.Web.Components.Shared;

/// <summary>
/// The one way untrusted HTML (model output, document text, mail bodies) reaches the page: sanitized, with
/// only http(s)/mailto links (no javascript:) and no images (nothing remote loads by itself).
/// </summary>
public static class HtmlSafety
{
    private static readonly HtmlSanitizer Sanitizer = Create();

    private static HtmlSanitizer Create()
    {
        var s = new HtmlSanitizer();
        s.AllowedSchemes.Clear();
        s.AllowedSchemes.Add("http");
        s.AllowedSchemes.Add("https");
        s.AllowedSchemes.Add("mailto");
        s.AllowedTags.Remove("img");
        s.AllowedTags.Remove("form");
        s.AllowedAttributes.Remove("style");
        s.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Html.Dom.IHtmlAnchorElement a) a.SetAttribute("rel", "noopener noreferrer nofollow");
        };
        return s;
    }

    public static string Sanitize(string html) => Sanitizer.Sanitize(html);
}
