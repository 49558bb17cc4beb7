using System.Text;

namespace Platform.Web.Features.Documents.Ingestion;

/// <summary>Text of a document, or why it could not be read (shown to the user as the failure reason).</summary>
public sealed record ExtractionResult(string? Text, string? Error)
{
    public static ExtractionResult Ok(string text) => new(text, null);
    public static ExtractionResult Fail(string error) => new(null, error);
}

/// <summary>Turns an uploaded file into plain text with Markdown-style headings ("# Title"), which the chunker
/// uses as section boundaries. Every extractor turns malformed input into a clear error, never an exception.</summary>
public sealed class TextExtraction(DocumentsOptions options)
{
    public ExtractionResult Extract(byte[] data, DocumentKind kind)
    {
        ExtractionResult result;
        try
        {
            result = kind switch
            {
                DocumentKind.Pdf => PdfExtractor.Extract(data),
                DocumentKind.Docx => DocxExtractor.Extract(data, options.MaxUnpackedBytes),
                DocumentKind.Html => HtmlExtractor.Extract(Decode(data)),
                DocumentKind.Csv => CsvExtractor.Extract(Decode(data)),
                _ => ExtractionResult.Ok(Decode(data)),
            };
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Parsers of hostile files throw anything; the document fails with a reason, the worker goes on.
            result = ExtractionResult.Fail($"The {kind.ToString().ToUpperInvariant()} file could not be read: {e.Message}");
        }
        if (result.Text is null) return result;

        var text = Normalize(result.Text);
        if (text.Length > options.MaxTextChars)
            return ExtractionResult.Fail($"The document holds more than {options.MaxTextChars:N0} characters of text.");
        if (string.IsNullOrWhiteSpace(text))
            return ExtractionResult.Fail(kind == DocumentKind.Pdf
                ? "No text found in the PDF (it may be scanned images; OCR is not supported)."
                : "The document contains no text.");
        return ExtractionResult.Ok(text);
    }

    /// <summary>UTF-8 unless a BOM says UTF-16.</summary>
    public static string Decode(byte[] data)
    {
        if (data.Length >= 2 && data[0] == 0xFF && data[1] == 0xFE) return Encoding.Unicode.GetString(data, 2, data.Length - 2);
        if (data.Length >= 2 && data[0] == 0xFE && data[1] == 0xFF) return Encoding.BigEndianUnicode.GetString(data, 2, data.Length - 2);
        var start = data.Length >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF ? 3 : 0;
        return Encoding.UTF8.GetString(data, start, data.Length - start);
    }

    /// <summary>Line endings to \n, NULs and other control characters out, no runs of blank lines.</summary>
    internal static string Normalize(string text)
    {
        var sb = new StringBuilder(text.Length);
        var newlines = 0;
        foreach (var c in text.Replace("\r\n", "\n").Replace('\r', '\n'))
        {
            if (c == '\n')
            {
                if (++newlines <= 2) sb.Append('\n');
                continue;
            }
            if (char.IsControl(c) && c != '\t') continue;
            newlines = 0;
            sb.Append(c);
        }
        return sb.ToString().Trim();
    }
}
