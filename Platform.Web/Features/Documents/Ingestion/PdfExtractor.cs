using System.Text;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;
using UglyToad.PdfPig.Exceptions;

namespace Platform.Web.Features.Documents.Ingestion;

/// <summary>Text of a PDF, page by page, within limits: at most <see cref="DocumentsOptions.MaxPdfPages"/> pages and
/// <see cref="DocumentsOptions.MaxTextChars"/> characters, checked as it goes, and the token between pages (PdfPig
/// itself does not take one; a single hostile page is bounded by the extraction time limit).</summary>
internal static class PdfExtractor
{
    public static ExtractionResult Extract(byte[] data, DocumentsOptions options, CancellationToken ct)
    {
        try
        {
            using var pdf = PdfDocument.Open(data, new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = true });
            if (pdf.NumberOfPages > options.MaxPdfPages)
                return ExtractionResult.Fail($"The PDF has {pdf.NumberOfPages:N0} pages; at most {options.MaxPdfPages:N0} are supported.");
            var sb = new StringBuilder();
            string? firstLine = null;
            for (var number = 1; number <= pdf.NumberOfPages; number++)
            {
                ct.ThrowIfCancellationRequested();
                var text = ContentOrderTextExtractor.GetText(pdf.GetPage(number));
                // Every page, even an empty one, ends with a page break: page N is what follows the (N-1)th.
                if (number > 1) sb.Append(ExtractionResult.PageBreak);
                if (string.IsNullOrWhiteSpace(text)) continue;
                firstLine ??= text.Trim().Split('\n')[0];
                sb.Append(text.Trim()).Append("\n\n");
                if (sb.Length > options.MaxTextChars)
                    return ExtractionResult.Fail($"The PDF holds more than {options.MaxTextChars:N0} characters of text.");
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
