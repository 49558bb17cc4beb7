using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Platform.Web.Features.Documents.Ingestion;

internal static class DocxExtractor
{
    private const int MaxEntries = 5_000;
    private const int MaxCompressionRatio = 200;

    public static ExtractionResult Extract(byte[] data, DocumentsOptions options, CancellationToken ct)
    {
        if (CheckArchive(data, options.MaxUnpackedBytes) is { } bomb) return ExtractionResult.Fail(bomb);

        // MaxCharactersInPart also bounds what the SDK inflates, in case an entry lied about its size.
        var settings = new OpenSettings { MaxCharactersInPart = options.MaxUnpackedBytes };
        using var stream = new MemoryStream(data, writable: false);
        using var doc = WordprocessingDocument.Open(stream, false, settings);
        var body = doc.MainDocumentPart?.Document?.Body;
        if (body is null) return ExtractionResult.Fail("The Word document has no body.");

        var sb = new StringBuilder();
        string? firstHeading = null;
        foreach (var element in body.ChildElements)
        {
            ct.ThrowIfCancellationRequested();
            if (sb.Length > options.MaxTextChars)
                return ExtractionResult.Fail($"The Word document holds more than {options.MaxTextChars:N0} characters of text.");
            switch (element)
            {
                case Paragraph p:
                    var text = p.InnerText;
                    if (string.IsNullOrWhiteSpace(text)) continue;
                    var level = HeadingLevel(p);
                    if (level > 0) sb.Append('\n').Append(new string('#', level)).Append(' ');
                    if (level == 1) firstHeading ??= text;
                    sb.Append(text).Append("\n\n");
                    break;
                case Table t:
                    foreach (var row in t.Elements<TableRow>())
                        sb.AppendJoin(" | ", row.Elements<TableCell>().Select(c => c.InnerText.Trim())).Append('\n');
                    sb.Append('\n');
                    break;
            }
        }
        // The core properties' title (File › Info in Word), else the first Title/Heading 1 paragraph.
        var title = doc.PackageProperties.Title;
        return ExtractionResult.Ok(sb.ToString(), string.IsNullOrWhiteSpace(title) ? firstHeading : title);
    }

    /// <summary>Heading 1–6 from the paragraph style ("Heading1", "heading 2", "Title").</summary>
    private static int HeadingLevel(Paragraph p)
    {
        var style = p.ParagraphProperties?.ParagraphStyleId?.Val?.Value;
        if (style is null) return 0;
        if (style.Equals("Title", StringComparison.OrdinalIgnoreCase)) return 1;
        var s = style.Replace(" ", "");
        return s.StartsWith("Heading", StringComparison.OrdinalIgnoreCase) && int.TryParse(s[7..], out var n) && n is >= 1 and <= 6 ? n : 0;
    }

    /// <summary>Zip-bomb guard from the central directory: entry count, total unpacked size, compression ratio.</summary>
    internal static string? CheckArchive(byte[] data, long maxUnpackedBytes)
    {
        try
        {
            using var zip = new ZipArchive(new MemoryStream(data, writable: false), ZipArchiveMode.Read);
            if (zip.Entries.Count > MaxEntries) return $"The Word document has too many parts ({zip.Entries.Count:N0}).";
            long total = 0;
            foreach (var entry in zip.Entries)
            {
                total += entry.Length;
                if (total > maxUnpackedBytes)
                    return $"The Word document unpacks to more than {maxUnpackedBytes / (1024 * 1024)} MB (possible zip bomb).";
                if (entry.Length > 1024 * 1024 && entry.CompressedLength > 0 && entry.Length / entry.CompressedLength > MaxCompressionRatio)
                    return $"A part of the Word document is compressed {entry.Length / entry.CompressedLength}:1 (possible zip bomb).";
            }
            return null;
        }
        catch (InvalidDataException)
        {
            return "The Word document is not a valid archive (it may be damaged).";
        }
    }
}
