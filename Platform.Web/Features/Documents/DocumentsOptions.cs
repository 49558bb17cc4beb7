namespace Platform.Web.Features.Documents;

/// <summary>appsettings "Documents".</summary>
public sealed class DocumentsOptions
{
    public const string Section = "Documents";

    /// <summary>Largest file accepted per upload.</summary>
    public long MaxFileBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>A .docx may not unpack to more than this (zip-bomb guard).</summary>
    public long MaxUnpackedBytes { get; set; } = 200 * 1024 * 1024;

    /// <summary>Largest extracted text kept per document (characters).</summary>
    public int MaxTextChars { get; set; } = 20_000_000;

    /// <summary>Chunk size in the embedding model's tokens (at most Chunker.MaxModelTokens). 256: the local model's
    /// hybrid nDCG@10 was 0.585 at 256, 0.552 at 128 and 0.519 at 480 (`./platform bench quality`, ADR-004).</summary>
    public int ChunkTokens { get; set; } = 256;
    public int ChunkOverlapTokens { get; set; } = 64;

    /// <summary>Attempts before a document with transient failures is marked failed.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>How long a worker owns a document it is processing before another may take it over.</summary>
    public int LeaseSeconds { get; set; } = 120;

    /// <summary>How often each instance looks for unfinished work it was not told about (restarts, other instances).</summary>
    public int SweepSeconds { get; set; } = 30;

    /// <summary>Longest time text extraction may take for one document; past it the document fails (and is not
    /// retried) and the worker moves on.</summary>
    public int ExtractionTimeoutSeconds { get; set; } = 120;

    /// <summary>PDFs with more pages are refused.</summary>
    public int MaxPdfPages { get; set; } = 2_000;

    /// <summary>HTML nested deeper than this is refused (browsers flatten beyond a few hundred levels; parsing
    /// deeper trees gets quadratically slower).</summary>
    public int MaxHtmlDepth { get; set; } = 512;

    /// <summary>CSV rows with more columns are refused.</summary>
    public int MaxCsvColumns { get; set; } = 1_000;

    /// <summary>Longest single CSV value (characters).</summary>
    public int MaxCsvFieldChars { get; set; } = 100_000;

    /// <summary>Documents processed at the same time, each of a different workspace.</summary>
    public int WorkerConcurrency { get; set; } = 2;
}
