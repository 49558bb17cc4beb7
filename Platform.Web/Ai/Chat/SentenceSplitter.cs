using System.Text;
using System.Text.RegularExpressions;

namespace Platform.Web.Ai.Chat;

/// <summary>A unit of a passage: a sentence, a list item, a table row, or a heading (a label, never a quote).
/// <see cref="IsComplete"/> is false for the pieces a chunk boundary cut off (a passage may start or end
/// mid-sentence), which must not be quoted as if they were whole.</summary>
public sealed record PassageSentence(string Text, bool IsHeading, bool IsComplete, string? Heading);

/// <summary>
/// Splits extracted document text (Markdown-style headings, paragraphs separated by blank lines, soft-wrapped
/// lines) into sentences. It knows that "e.g.", "Dr." or "Fig. 3" do not end a sentence, that "2.5" is a number,
/// that list items and table rows stand on their own, and that a short line without punctuation standing alone
/// is a heading or a banner ("Version 0.21", "Recommended checking order"), not something to quote.
/// </summary>
public static partial class SentenceSplitter
{
    private static readonly HashSet<string> Abbreviations = new(StringComparer.OrdinalIgnoreCase)
    {
        "e.g", "i.e", "eg", "ie", "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "cf", "fig", "figs", "eq",
        "no", "nos", "vol", "pp", "approx", "al", "ca", "resp", "incl", "dept",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    };

    public static IReadOnlyList<PassageSentence> Split(string passage)
    {
        var result = new List<PassageSentence>();
        string? heading = null;
        foreach (var block in Blocks(passage))
        {
            if (block.Kind == BlockKind.Heading)
            {
                heading = block.Text;
                result.Add(new PassageSentence(block.Text, true, true, heading));
                continue;
            }
            if (block.Kind is BlockKind.ListItem or BlockKind.TableRow)
            {
                result.Add(new PassageSentence(block.Text, false, true, heading));
                continue;
            }
            foreach (var sentence in Sentences(block.Text))
                result.Add(new PassageSentence(sentence, false, EndsLikeSentence(sentence), heading));
        }
        // A chunk may begin inside a sentence: a first sentence starting in lower case is the tail of one.
        var first = result.FindIndex(s => !s.IsHeading);
        if (first >= 0 && result[first].Text.Length > 0 && char.IsLower(result[first].Text[0]))
            result[first] = result[first] with { IsComplete = false };
        return result;
    }

    private enum BlockKind { Paragraph, Heading, ListItem, TableRow }

    private sealed record Block(BlockKind Kind, string Text);

    private static IEnumerable<Block> Blocks(string passage)
    {
        var paragraph = new List<string>();
        var lines = passage.ReplaceLineEndings("\n").Split('\n');

        IEnumerable<Block> Flush(bool endsWithBlank)
        {
            if (paragraph.Count == 0) yield break;
            var text = Collapse(string.Join(' ', paragraph));
            var lone = paragraph.Count == 1;
            paragraph.Clear();
            if (text.Length == 0) yield break;
            // A lone short line without punctuation between blank lines is a heading or a banner.
            yield return new Block(lone && endsWithBlank && LooksLikeLabel(text) ? BlockKind.Heading : BlockKind.Paragraph, text);
        }

        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0)
            {
                foreach (var b in Flush(true)) yield return b;
                continue;
            }
            var heading = MarkdownHeading().Match(line);
            if (heading.Success)
            {
                foreach (var b in Flush(true)) yield return b;
                yield return new Block(BlockKind.Heading, Collapse(heading.Groups[1].Value.TrimEnd('#', ' ')));
                continue;
            }
            var item = ListItem().Match(line);
            if (item.Success)
            {
                foreach (var b in Flush(false)) yield return b;
                paragraph.Add(item.Groups[1].Value);
                // Its continuation lines (soft-wrapped) follow until a blank line, heading or the next item.
                while (i + 1 < lines.Length && lines[i + 1].Trim() is { Length: > 0 } next
                       && !ListItem().IsMatch(next) && !MarkdownHeading().IsMatch(next))
                {
                    paragraph.Add(next);
                    i++;
                }
                var text = Collapse(string.Join(' ', paragraph));
                paragraph.Clear();
                // A long item is still prose: its sentences are quoted one by one.
                if (Sentences(text).Count > 1)
                    foreach (var s in Sentences(text)) yield return new Block(BlockKind.Paragraph, s);
                else yield return new Block(BlockKind.ListItem, text);
                continue;
            }
            if (line.Contains(" | ") || (line.StartsWith('|') && line.EndsWith('|')))
            {
                foreach (var b in Flush(false)) yield return b;
                var row = Collapse(string.Join(" | ", line.Split('|').Select(c => c.Trim()).Where(c => c.Length > 0 && !TableRule().IsMatch(c))));
                if (row.Length > 0) yield return new Block(BlockKind.TableRow, row);
                continue;
            }
            paragraph.Add(line);
        }
        foreach (var b in Flush(true)) yield return b;
    }

    /// <summary>Sentences of one paragraph: cut after . ! ? (and closing quotes) when the next word starts a
    /// sentence, unless the period belongs to an abbreviation or an initial.</summary>
    internal static List<string> Sentences(string paragraph)
    {
        var sentences = new List<string>();
        var start = 0;
        for (var i = 0; i < paragraph.Length; i++)
        {
            var c = paragraph[i];
            if (c is not ('.' or '!' or '?' or '…')) continue;
            var end = i + 1;
            while (end < paragraph.Length && paragraph[end] is '"' or '\'' or '”' or '’' or ')' or ']') end++;
            if (end >= paragraph.Length || !char.IsWhiteSpace(paragraph[end])) continue; // "2.5", "a.b", "?)x"
            var next = end;
            while (next < paragraph.Length && char.IsWhiteSpace(paragraph[next])) next++;
            if (next >= paragraph.Length) break;
            var n = paragraph[next];
            if (!(char.IsUpper(n) || char.IsDigit(n) || n is '"' or '“' or '\'' or '(' or '[' or '*' or '`')) continue;
            if (c == '.' && IsAbbreviation(paragraph, start, i)) continue;
            sentences.Add(paragraph[start..end].Trim());
            start = next;
            i = next - 1;
        }
        if (start < paragraph.Length && paragraph[start..].Trim() is { Length: > 0 } rest) sentences.Add(rest);
        return sentences;
    }

    private static bool IsAbbreviation(string text, int sentenceStart, int period)
    {
        var wordStart = period;
        while (wordStart > sentenceStart && !char.IsWhiteSpace(text[wordStart - 1]) && text[wordStart - 1] != '(') wordStart--;
        var word = text[wordStart..period];
        if (word.Length == 0) return false;
        if (Abbreviations.Contains(word)) return true;
        // An initial ("J. Smith") or a dotted abbreviation ("U.S.", "a.m.").
        if (word.Length == 1 && char.IsUpper(word[0])) return true;
        return word.Contains('.') && word.Replace(".", "").All(char.IsLetter) && word.Split('.').All(p => p.Length <= 2);
    }

    // A sentence ending in ":" introduces what follows (a list, a table) and says nothing on its own.
    private static bool EndsLikeSentence(string s) => TerminalPunctuation().IsMatch(s) && !s.TrimEnd('"', '\'', '”', '’', ')', ']').EndsWith(':');

    private static bool LooksLikeLabel(string text) =>
        !TerminalPunctuation().IsMatch(text) && text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length <= 10;

    private static string Collapse(string s)
    {
        var sb = new StringBuilder(s.Length);
        var space = false;
        foreach (var c in s)
        {
            if (char.IsWhiteSpace(c)) { if (!space && sb.Length > 0) sb.Append(' '); space = true; }
            else { sb.Append(c); space = false; }
        }
        return sb.ToString().TrimEnd();
    }

    [GeneratedRegex(@"^#{1,6}\s+(.+)$")]
    private static partial Regex MarkdownHeading();

    [GeneratedRegex(@"^(?:[-*•+▪◦]|\d{1,3}[.)]|[a-z][.)]|\([a-z0-9]{1,3}\))\s+(.+)$")]
    private static partial Regex ListItem();

    [GeneratedRegex(@"^:?-{3,}:?$")]
    private static partial Regex TableRule();

    [GeneratedRegex(@"[.!?…:;][""'”’)\]]*$")]
    private static partial Regex TerminalPunctuation();
}
