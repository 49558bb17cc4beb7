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

    /// <summary>Extracted text (the source of the chunks).</summary>
    public string? Content { get; set; }

    public Guid? CreatedByUserId { get; set; }
    public List<DocumentChunk> Chunks { get; set; } = [];
}

public static class DocumentStatus
{
    public const string Queued = "queued";
    public const string Processing = "processing";
    public const string Ready = "ready";
    public const string Failed = "failed";
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

    /// <summary>vector(1024), stored inline (STORAGE PLAIN); null until embedded.</summary>
    public Vector? Embedding { get; set; }
    public string? EmbeddingModel { get; set; }
}
