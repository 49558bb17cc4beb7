using System.Text;
using UglyToad.PdfPig;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;
using UglyToad.PdfPig.Exceptions;

namespace Platform.Web.Features.Documents.Ingestion;

internal static class PdfExtractor
{
    public static ExtractionResult Extract(byte[] data)
    {
        try
        {
            using var pdf = PdfDocument.Open(data, new ParsingOptions { UseLenientParsing = true, SkipMissingFonts = true });
            var sb = new StringBuilder();
            foreach (var page in pdf.GetPages())
            {
                var text = ContentOrderTextExtractor.GetText(page);
                if (string.IsNullOrWhiteSpace(text)) continue;
                sb.Append(text.Trim()).Append("\n\n");
            }
            return ExtractionResult.Ok(sb.ToString());
        }
        catch (PdfDocumentEncryptedException)
        {
            return ExtractionResult.Fail("The PDF is encrypted (password-protected). Remove the protection and upload it again.");
        }
        catch (PdfDocumentFormatException e)
        {
            return ExtractionResult.Fail($"The PDF is damaged or malformed: {e.Message}");
        }
    }
}
