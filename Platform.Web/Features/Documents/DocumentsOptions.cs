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

    public int ChunkTokens { get; set; } = 512;
    public int ChunkOverlapTokens { get; set; } = 64;

    /// <summary>Attempts before a document with transient failures is marked failed.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>How long a worker owns a document it is processing before another may take it over.</summary>
    public int LeaseSeconds { get; set; } = 120;

    /// <summary>How often each instance looks for unfinished work it was not told about (restarts, other instances).</summary>
    public int SweepSeconds { get; set; } = 30;
}
