using System.Text;
using System.Text.RegularExpressions;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;
using UglyToad.PdfPig.Exceptions;

namespace Platform.Web.Features.Documents.Ingestion;

/// <summary>Text of a PDF, page by page, within limits: at most <see cref="DocumentsOptions.MaxPdfPages"/> pages and
/// <see cref="DocumentsOptions.MaxTextChars"/> characters, checked as it goes, and the token between pages (PdfPig
/// itself does not take one; a single hostile page is bounded by the extraction time limit).</summary>
internal static partial class PdfExtractor
{
    public static ExtractionResult Extract(byte[] data, DocumentsOptions options, CancellationToken ct)
    {
        try
        {
            using var pdf = PdfDocument.Open(data, new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = true });
            if (pdf.NumberOfPages > options.MaxPdfPages)
                return ExtractionResult.Fail($"The PDF has {pdf.NumberOfPages:N0} pages; at most {options.MaxPdfPages:N0} are supported.");
            var pages = new List<string[]>();
            long chars = 0;
            for (var number = 1; number <= pdf.NumberOfPages; number++)
            {
                ct.ThrowIfCancellationRequested();
                var text = ContentOrderTextExtractor.GetText(pdf.GetPage(number)) ?? "";
                chars += text.Length;
                if (chars > options.MaxTextChars)
                    return ExtractionResult.Fail($"The PDF holds more than {options.MaxTextChars:N0} characters of text.");
                pages.Add(text.Trim().Split('\n'));
            }
            var running = RunningLines(pages);
            var firstLine = pages.SelectMany(l => l).Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);
            var sb = new StringBuilder();
            for (var i = 0; i < pages.Count; i++)
            {
                // Every page, even an empty one, ends with a page break: page N is what follows the (N-1)th.
                if (i > 0) sb.Append(ExtractionResult.PageBreak);
                var lines = StripRunning(pages[i], running);
                if (lines.Count == 0) continue;
                sb.AppendJoin('\n', lines).Append("\n\n");
            }
            return ExtractionResult.Ok(sb.ToString(), Title(pdf.Information.Title, firstLine));
        }
        catch (PdfDocumentEncryptedException)
        {
            return ExtractionResult.Fail("The PDF is encrypted (password-protected). Remove the protection and upload it again.");
        }
        catch (PdfDocumentFormatException)
        {
            return ExtractionResult.Fail("The PDF is damaged or malformed and could not be read.");
        }
    }

    /// <summary>Running headers and footers (the document's name, a chapter title, "Page 3") repeat at the top or
    /// bottom of many pages: lines seen there on at least three pages and a third of them. They are page furniture,
    /// not text: left in, they glue themselves to the first sentence of every page.</summary>
    private static HashSet<string> RunningLines(List<string[]> pages)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var page in pages)
        {
            var lines = page.Select(l => Key(l)).Where(l => l.Length > 0).ToList();
            foreach (var edge in lines.Take(1).Concat(lines.TakeLast(1)).Distinct())
                counts[edge] = counts.GetValueOrDefault(edge) + 1;
        }
        var needed = Math.Max(3, pages.Count / 3);
        return counts.Where(c => c.Value >= needed).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
    }

    private static List<string> StripRunning(string[] page, HashSet<string> running)
    {
        var lines = page.Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && (lines[0].Trim().Length == 0 || IsFurniture(lines[0], running))) lines.RemoveAt(0);
        while (lines.Count > 0 && (lines[^1].Trim().Length == 0 || IsFurniture(lines[^1], running))) lines.RemoveAt(lines.Count - 1);
        return lines;
    }

    private static bool IsFurniture(string line, HashSet<string> running) => running.Contains(Key(line)) || PageNumber().IsMatch(line.Trim());

    /// <summary>A short line with its digits blanked, so "Page 3" and "Page 4" count as the same footer (a
    /// sentence that differs only in a number is still text).</summary>
    private static string Key(string line)
    {
        var trimmed = line.Trim();
        return trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length <= 5 ? Digits().Replace(trimmed, "#") : trimmed;
    }

    [GeneratedRegex(@"\d+")]
    private static partial Regex Digits();

    [GeneratedRegex(@"^(?:page\s*)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?$", RegexOptions.IgnoreCase)]
    private static partial Regex PageNumber();

    /// <summary>The metadata title unless it is a placeholder ("untitled", "Microsoft Word - x.docx"); else the
    /// first line of the first page when it reads like a title (short, not a sentence).</summary>
    private static string? Title(string? metadata, string? firstLine)
    {
        if (ExtractionResult.CleanTitle(metadata) is { } meta && !meta.Equals("untitled", StringComparison.OrdinalIgnoreCase)
            && !meta.StartsWith("Microsoft Word - ", StringComparison.OrdinalIgnoreCase) && !meta.EndsWith(".pdf", StringComparison.OrdinalIgnoreCase))
            return meta;
        if (ExtractionResult.CleanTitle(firstLine) is not { } line) return null;
        var words = line.Split(' ').Length;
        return words <= 12 && line.Length <= 120 && line.Any(char.IsLetter) && !line.EndsWith('.') ? line : null;
    }
}
