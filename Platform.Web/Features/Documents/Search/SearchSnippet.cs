using System.Text.RegularExpressions;
using Platform.Web.Ai.Chat;

namespace Platform.Web.Features.Documents.Search;

/// <summary>A piece of a snippet; <see cref="Match"/> marks one of the question's words.</summary>
public sealed record SnippetPart(string Text, bool Match);

/// <summary>
/// What a search result shows of its passage: the sentence that shares the most of the question's words (with a
/// neighbour on each side while it fits), not the passage's first lines, and the question's words in it marked.
/// Returns text pieces, never HTML: the page renders them as text.
/// </summary>
public static partial class SearchSnippet
{
    public const int MaxChars = 360;

    public static IReadOnlyList<SnippetPart> Build(string content, string query)
    {
        var terms = OfflineAssistant.Terms(query);
        var sentences = SentenceSplitter.Split(content).Where(s => !s.IsHeading).Select(s => s.Text).ToList();
        if (sentences.Count == 0) return Mark(Cut(content.Trim()), terms);

        var best = 0;
        var bestScore = -1;
        for (var i = 0; i < sentences.Count; i++)
        {
            var score = OfflineAssistant.Terms(sentences[i]).Count(terms.Contains);
            if (score > bestScore) (best, bestScore) = (i, score);
        }
        // Grow around the best sentence, one neighbour at a time, while it fits.
        int from = best, to = best;
        var length = sentences[best].Length;
        while (true)
        {
            var grew = false;
            if (from > 0 && length + sentences[from - 1].Length + 1 <= MaxChars) { length += sentences[--from].Length + 1; grew = true; }
            if (to < sentences.Count - 1 && length + sentences[to + 1].Length + 1 <= MaxChars) { length += sentences[++to].Length + 1; grew = true; }
            if (!grew) break;
        }
        var text = Cut(string.Join(' ', sentences[from..(to + 1)]));
        if (from > 0) text = "… " + text;
        if (to < sentences.Count - 1 && !text.EndsWith('…')) text += " …";
        return Mark(text, terms);
    }

    private static string Cut(string text) => text.Length <= MaxChars * 2 ? text : text[..(MaxChars * 2)] + "…";

    private static List<SnippetPart> Mark(string text, HashSet<string> terms)
    {
        var parts = new List<SnippetPart>();
        var at = 0;
        foreach (Match word in Word().Matches(text))
        {
            if (!OfflineAssistant.Terms(word.Value).Overlaps(terms)) continue;
            if (word.Index > at) parts.Add(new SnippetPart(text[at..word.Index], false));
            parts.Add(new SnippetPart(word.Value, true));
            at = word.Index + word.Length;
        }
        if (at < text.Length) parts.Add(new SnippetPart(text[at..], false));
        return parts;
    }

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Word();
}
