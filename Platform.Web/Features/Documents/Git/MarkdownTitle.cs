namespace Platform.Web.Features.Documents.Git;

/// <summary>The title of a Markdown file (imported or uploaded): front matter "title:", else the first heading
/// outside code fences, else the file name.</summary>
public static class MarkdownTitle
{
    public static string Of(string text, string path)
    {
        if (FromContent(text) is { } title) return title;
        var name = Path.GetFileNameWithoutExtension(path);
        return Cap(name.Length > 0 ? name : path);
    }

    /// <summary>The title the text gives itself, or null.</summary>
    public static string? FromContent(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var i = 0;
        if (lines.Length > 0 && lines[0].Trim() == "---")
        {
            for (i = 1; i < lines.Length && lines[i].Trim() is not ("---" or "..."); i++)
                if (lines[i].StartsWith("title:", StringComparison.OrdinalIgnoreCase) && Clean(lines[i][6..]) is { Length: > 0 } fm)
                    return Cap(fm);
            i++;
        }
        var fenced = false;
        for (; i < lines.Length; i++)
        {
            var line = lines[i].TrimStart();
            if (line.StartsWith("```") || line.StartsWith("~~~")) { fenced = !fenced; continue; }
            if (fenced || !line.StartsWith('#')) continue;
            var hashes = line.TakeWhile(c => c == '#').Count();
            if (hashes > 6 || (line.Length > hashes && line[hashes] != ' ')) continue;
            if (Clean(line[hashes..].TrimEnd('#')) is { Length: > 0 } heading) return Cap(heading);
        }
        return null;
    }

    private static string Clean(string s) => s.Trim().Trim('"', '\'').Trim();

    private static string Cap(string s) => s.Length > 300 ? s[..300] : s;
}
