namespace Platform.Web.Features.Documents.Ingestion;

/// <summary>
/// A linear scan that estimates how deep an HTML page nests its elements, without building a tree. It counts
/// start tags that need an end tag and end tags that close them; void elements (br, img …), self-closed tags and
/// elements whose end tag is optional (p, li, td …: the parser closes them itself) are not counted, comments and
/// the contents of script/style/textarea are skipped. It errs towards deeper (an author's missing end tags count),
/// which only matters far beyond the depth of real pages.
/// </summary>
internal static class HtmlDepth
{
    private static readonly HashSet<string> Void = new(StringComparer.OrdinalIgnoreCase)
    {
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
        "param", "keygen", "basefont", "bgsound", "frame", "image",
    };

    private static readonly HashSet<string> OptionalEnd = new(StringComparer.OrdinalIgnoreCase)
    {
        "html", "head", "body", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody",
        "tfoot", "colgroup", "caption", "rb", "rt", "rp", "rtc",
    };

    private static readonly HashSet<string> RawText = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext",
    };

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> VoidLookup = Void.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> OptionalEndLookup = OptionalEnd.GetAlternateLookup<ReadOnlySpan<char>>();
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> RawTextLookup = RawText.GetAlternateLookup<ReadOnlySpan<char>>();

    public static bool Exceeds(string html, int limit)
    {
        var depth = 0;
        var i = 0;
        while ((i = html.IndexOf('<', i)) >= 0 && i + 1 < html.Length)
        {
            if (html[i + 1] == '!')
            {
                var end = html.AsSpan(i).StartsWith("<!--") ? html.IndexOf("-->", i + 4, StringComparison.Ordinal) : html.IndexOf('>', i);
                if (end < 0) return false;
                i = end + 1;
                continue;
            }
            var closing = html[i + 1] == '/';
            var nameStart = closing ? i + 2 : i + 1;
            var nameEnd = nameStart;
            while (nameEnd < html.Length && (char.IsAsciiLetterOrDigit(html[nameEnd]) || html[nameEnd] == '-')) nameEnd++;
            if (nameEnd == nameStart || !char.IsAsciiLetter(html[nameStart]))
            {
                i++;
                continue;
            }
            var name = html.AsSpan(nameStart, nameEnd - nameStart);
            var tagEnd = EndOfTag(html, nameEnd);
            if (tagEnd < 0) return false;
            i = tagEnd + 1;

            if (closing)
            {
                if (!OptionalEndLookup.Contains(name) && !VoidLookup.Contains(name) && depth > 0) depth--;
                continue;
            }
            if (RawTextLookup.Contains(name))
            {
                var close = html.IndexOf("</" + name.ToString(), i, StringComparison.OrdinalIgnoreCase);
                if (close < 0) return false;
                i = close;
                continue;
            }
            if (html[tagEnd - 1] == '/' || VoidLookup.Contains(name) || OptionalEndLookup.Contains(name)) continue;
            if (++depth > limit) return true;
        }
        return false;
    }

    /// <summary>The '>' that ends a tag, skipping quoted attribute values; -1 when the page ends first.</summary>
    private static int EndOfTag(string html, int from)
    {
        var quote = '\0';
        var afterEquals = false;
        for (var k = from; k < html.Length; k++)
        {
            var c = html[k];
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                continue;
            }
            if (c == '>') return k;
            if (c is '"' or '\'' && afterEquals) quote = c;
            if (!char.IsWhiteSpace(c)) afterEquals = c == '=';
        }
        return -1;
    }
}
