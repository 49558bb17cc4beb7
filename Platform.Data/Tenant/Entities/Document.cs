using Pgvector;

namespace Platform.Data.Tenant.Entities;

public class Document : TenantEntity
{
    public required string Title { get; set; }
    public string? FileName { get; set; }
    public string ContentType { get; set; } = "text/plain";
    public long SizeBytes { get; set; }

    /// <summary>SHA-256 of the content, to detect duplicate uploads.</summary>
    public string? ContentHash { get; set; }

    /// <summary>queued, processing, ready or failed.</summary>
    public string Status { get; set; } = DocumentStatus.Queued;
    public string? StatusReason { get; set; }

    /// <summary>0–100 while processing (extract, chunk, embed batches, store).</summary>
    public int Progress { get; set; }

    /// <summary>How many times the worker has started on this document (retries give up after a limit).</summary>
    public int Attempts { get; set; }

    /// <summary>While processing: the worker's lease (another instance may take over after it). While queued after
    /// a transient failure: not before this time.</summary>
    public DateTimeOffset? LeaseUntil { get; set; }

    /// <summary>Extracted text (the source of the chunks); chunk offsets point into it.</summary>
    public string? Content { get; set; }

    public string? Category { get; set; }
    public List<string> Tags { get; set; } = [];

    public int ChunkCount { get; set; }

    /// <summary>The embedding model of its chunks (searches never mix models).</summary>
    public string? EmbeddingModel { get; set; }

    public Guid? CreatedByUserId { get; set; }

    /// <summary>The Git source this document was imported from (null for uploads), and its path in the
    /// repository: a re-sync maps files to documents by it.</summary>
    public Guid? GitSourceId { get; set; }
    public string? SourcePath { get; set; }

    public DateTimeOffset UpdatedAt { get; set; } = DateTimeOffset.UtcNow;
    public DateTimeOffset? ProcessedAt { get; set; }

    public List<DocumentChunk> Chunks { get; set; } = [];
}

public static class DocumentStatus
{
    public const string Queued = "queued";
    public const string Processing = "processing";
    public const string Ready = "ready";
    public const string Failed = "failed";
}

/// <summary>The uploaded bytes of a document, kept apart so listing documents never loads them.</summary>
public class DocumentFile : TenantEntity
{
    public Guid DocumentId { get; set; }
    public required byte[] Data { get; set; }
}

public class DocumentChunk : TenantEntity
{
    public const int EmbeddingDimensions = 1024;

    public Guid DocumentId { get; set; }
    public Document? Document { get; set; }

    /// <summary>Order of the chunk inside its document.</summary>
    public int Position { get; set; }
    public required string Content { get; set; }
    public int TokenCount { get; set; }

    /// <summary>Heading path the chunk sits under ("Handbook › Time off"), for citations and keyword search.</summary>
    public string? Section { get; set; }

    /// <summary>Character range of <see cref="Content"/> inside the document's extracted text.</summary>
    public int StartOffset { get; set; }
    public int EndOffset { get; set; }

    /// <summary>vector(1024), stored inline (STORAGE PLAIN); null until embedded.</summary>
    public Vector? Embedding { get; set; }
    public string? EmbeddingModel { get; set; }
}
