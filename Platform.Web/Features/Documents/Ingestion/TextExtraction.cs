using System.Text;
using Platform.Data.Text;

namespace Platform.Web.Features.Documents.Ingestion;

/// <summary>Text of a document, or why it could not be read (shown to the user as the failure reason), and the
/// title the content gives itself (PDF metadata, HTML &lt;title&gt;, first Markdown heading, Word properties), if any.</summary>
public sealed record ExtractionResult(string? Text, string? Error, string? Title = null)
{
    /// <summary>Separates the pages of a PDF's text (form feed): the viewer shows pages, citations name them.</summary>
    public const char PageBreak = '\f';

    public static ExtractionResult Ok(string text, string? title = null) => new(text, null, CleanTitle(title));

    /// <summary>A title worth showing: one line, trimmed, at most 300 characters; null when empty.</summary>
    public static string? CleanTitle(string? title)
    {
        if (string.IsNullOrWhiteSpace(title)) return null;
        var line = string.Join(' ', title.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries)).Trim('#', ' ');
        if (line.Length == 0 || !line.Any(char.IsLetterOrDigit)) return null;
        return line.Length > 300 ? line[..300] : line;
    }
    public static ExtractionResult Fail(string error) => new(null, error);
}

/// <summary>Turns an uploaded file into plain text with Markdown-style headings ("# Title"), which the chunker
/// uses as section boundaries. Every extractor turns malformed input into a clear error, never an exception, and
/// the work per document is bounded: in time (<see cref="DocumentsOptions.ExtractionTimeoutSeconds"/>) and by
/// limits the parsers check as they go (PDF pages, HTML depth, CSV columns and values, size of the text).</summary>
public sealed class TextExtraction(DocumentsOptions options, ILogger? logger = null)
{
    /// <summary>
    /// Extracts on a thread of its own, within the time limit. The parsers are synchronous and CPU-bound: ours and
    /// AngleSharp's check the token as they go; one that does not (a library deep in a hostile file) is abandoned
    /// at the limit — the document fails and the worker moves on while the thread runs out on its own.
    /// Throws <see cref="OperationCanceledException"/> only when <paramref name="ct"/> (shutdown) is cancelled.
    /// </summary>
    public async Task<ExtractionResult> ExtractAsync(byte[] data, DocumentKind kind, CancellationToken ct)
    {
        var limit = TimeSpan.FromSeconds(Math.Max(1, options.ExtractionTimeoutSeconds));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(limit);
        var work = Task.Factory.StartNew(() => Extract(data, kind, timeout.Token), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            return await work.WaitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            _ = work.ContinueWith(t => _ = t.Exception, TaskScheduler.Default); // observed, whatever it ends with
            logger?.LogWarning("Extracting a {Kind} document took longer than {Limit}; abandoned", kind, limit);
            return ExtractionResult.Fail(
                $"Reading the document took longer than the limit of {limit.TotalSeconds:0} seconds, so it was stopped. " +
                "The file may be very large or unusually structured.");
        }
    }

    public ExtractionResult Extract(byte[] data, DocumentKind kind, CancellationToken ct = default)
    {
        ExtractionResult result;
        try
        {
            result = kind switch
            {
                DocumentKind.Pdf => PdfExtractor.Extract(data, options, ct),
                DocumentKind.Docx => DocxExtractor.Extract(data, options, ct),
                DocumentKind.Html => HtmlExtractor.Extract(Decode(data), options, ct),
                DocumentKind.Csv => CsvExtractor.Extract(Decode(data), options, ct),
                DocumentKind.Markdown => Markdown(Decode(data)),
                _ => ExtractionResult.Ok(Decode(data)),
            };
        }
        catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
        {
            // Parsers of hostile files throw anything; the document fails with a fixed reason (the exception's
            // own text is for the log: it can carry library internals), the worker goes on.
            logger?.LogWarning(e, "Extracting a {Kind} document failed", kind);
            result = ExtractionResult.Fail(Unreadable(kind));
        }
        if (result.Text is null) return result;
        ct.ThrowIfCancellationRequested();

        if (result.Text.Length > options.MaxTextChars * 2L) return TooMuchText();
        var text = Normalize(result.Text, keepPageBreaks: kind == DocumentKind.Pdf);
        if (text.Length > options.MaxTextChars) return TooMuchText();
        if (string.IsNullOrWhiteSpace(text))
            return ExtractionResult.Fail(kind == DocumentKind.Pdf
                ? "No text found in the PDF (it may be scanned images; OCR is not supported)."
                : "The document contains no text.");
        return ExtractionResult.Ok(text, result.Title);
    }

    private static ExtractionResult Markdown(string text) => ExtractionResult.Ok(text, Git.MarkdownTitle.FromContent(text));

    /// <summary>The page a character offset of a PDF's text falls on (1-based), or null for text without pages.</summary>
    public static int? PageAt(string text, int offset)
    {
        if (text.IndexOf(ExtractionResult.PageBreak) < 0) return null;
        var page = 1;
        for (var i = 0; i < Math.Min(offset, text.Length); i++) if (text[i] == ExtractionResult.PageBreak) page++;
        return page;
    }

    internal ExtractionResult TooMuchText() =>
        ExtractionResult.Fail($"The document holds more than {options.MaxTextChars:N0} characters of text.");

    internal static string Unreadable(DocumentKind kind) => kind switch
    {
        DocumentKind.Pdf => "The PDF file could not be read: it is damaged or uses features that are not supported.",
        DocumentKind.Docx => "The Word document could not be read: it is damaged or uses features that are not supported.",
        _ => $"The {kind.ToString().ToUpperInvariant()} file could not be read: it is damaged or in an unsupported format.",
    };

    /// <summary>UTF-8 unless a BOM says UTF-16.</summary>
    public static string Decode(byte[] data)
    {
        if (data.Length >= 2 && data[0] == 0xFF && data[1] == 0xFE) return Encoding.Unicode.GetString(data, 2, data.Length - 2);
        if (data.Length >= 2 && data[0] == 0xFE && data[1] == 0xFF) return Encoding.BigEndianUnicode.GetString(data, 2, data.Length - 2);
        var start = data.Length >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF ? 3 : 0;
        return Encoding.UTF8.GetString(data, start, data.Length - start);
    }

    /// <summary>Line endings to \n, NULs and other control characters out, lone surrogates replaced (PostgreSQL
    /// text cannot hold them), no runs of blank lines.</summary>
    internal static string Normalize(string text, bool keepPageBreaks = false)
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
            if (c == ExtractionResult.PageBreak && keepPageBreaks)
            {
                sb.Append(c);
                continue;
            }
            if (char.IsControl(c) && c != '\t') continue;
            newlines = 0;
            sb.Append(c);
        }
        // Page breaks are whitespace to Trim; a PDF whose first page is empty must keep its leading one.
        var result = keepPageBreaks ? sb.ToString().Trim(' ', '\n', '\t') : sb.ToString().Trim();
        return PostgresText.Clean(result);
    }
}
