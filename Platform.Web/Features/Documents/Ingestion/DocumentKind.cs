using System.IO.Compression;
using System.Text;

namespace Platform.Web.Features.Documents.Ingestion;

public enum DocumentKind { Text, Markdown, Html, Pdf, Docx, Csv }

/// <summary>Decides what a file is from its bytes (the extension only breaks ties between text formats).</summary>
public static class DocumentKindDetector
{
    public static readonly string[] AcceptedExtensions = [".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx", ".csv"];

    /// <summary>The kind, or why the file is not accepted.</summary>
    public static (DocumentKind? Kind, string? Error) Detect(ReadOnlySpan<byte> data, string fileName)
    {
        var ext = Path.GetExtension(fileName).ToLowerInvariant();
        if (data.IsEmpty) return (null, "The file is empty.");

        if (data.StartsWith("%PDF-"u8)) return (DocumentKind.Pdf, null);
        if (data.StartsWith("PK\u0003\u0004"u8))
            return IsDocx(data) ? (DocumentKind.Docx, null)
                : (null, "This is a ZIP archive but not a Word document (.docx). Only .docx files are read from archives.");
        if (ext == ".pdf") return (null, "The file is named .pdf but is not a PDF (it does not start with %PDF).");
        if (ext == ".docx") return (null, "The file is named .docx but is not a Word document.");
        if (ext is ".doc" or ".xls" or ".xlsx" or ".ppt" or ".pptx")
            return (null, $"{ext} files are not supported. Supported: .txt .md .html .pdf .docx .csv.");

        if (!LooksLikeText(data)) return (null, "The file is binary, not text, PDF or Word.");
        var kind = ext switch
        {
            ".md" or ".markdown" => DocumentKind.Markdown,
            ".csv" => DocumentKind.Csv,
            ".html" or ".htm" => DocumentKind.Html,
            _ => SniffHtml(data) ? DocumentKind.Html : DocumentKind.Text,
        };
        return (kind, null);
    }

    public static string ContentType(DocumentKind kind) => kind switch
    {
        DocumentKind.Markdown => "text/markdown",
        DocumentKind.Html => "text/html",
        DocumentKind.Pdf => "application/pdf",
        DocumentKind.Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        DocumentKind.Csv => "text/csv",
        _ => "text/plain",
    };

    public static DocumentKind? FromContentType(string contentType) => contentType switch
    {
        "text/markdown" => DocumentKind.Markdown,
        "text/html" => DocumentKind.Html,
        "application/pdf" => DocumentKind.Pdf,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => DocumentKind.Docx,
        "text/csv" => DocumentKind.Csv,
        "text/plain" => DocumentKind.Text,
        _ => null,
    };

    private static bool IsDocx(ReadOnlySpan<byte> data)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(data.ToArray()), ZipArchiveMode.Read);
            return zip.GetEntry("word/document.xml") is not null && zip.GetEntry("[Content_Types].xml") is not null;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    /// <summary>UTF-8 (or UTF-16 with a BOM) without NULs or many control characters.</summary>
    internal static bool LooksLikeText(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith(new byte[] { 0xFF, 0xFE }) || data.StartsWith(new byte[] { 0xFE, 0xFF })) return true;
        var sample = data[..Math.Min(data.Length, 64 * 1024)];
        var controls = 0;
        foreach (var b in sample)
        {
            if (b == 0) return false;
            if (b < 0x09 || (b > 0x0D && b < 0x20)) controls++;
        }
        if (controls > sample.Length / 100) return false;
        // Invalid UTF-8 in the sample (cut multi-byte sequences at its end are fine).
        var decoder = new UTF8Encoding(false, true);
        try
        {
            decoder.GetCharCount(sample.Length == data.Length ? sample : TrimPartial(sample));
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static ReadOnlySpan<byte> TrimPartial(ReadOnlySpan<byte> s)
    {
        var end = s.Length;
        for (var i = 1; i <= 3 && end - i >= 0; i++)
            if ((s[end - i] & 0xC0) != 0x80) { end -= i; break; }
        return s[..end];
    }

    private static bool SniffHtml(ReadOnlySpan<byte> data)
    {
        var head = Encoding.UTF8.GetString(data[..Math.Min(data.Length, 1024)]).TrimStart().ToLowerInvariant();
        return head.StartsWith("<!doctype html") || head.StartsWith("<html");
    }
}
