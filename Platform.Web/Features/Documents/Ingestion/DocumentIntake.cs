using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Data.Tenancy;
using Platform.Data.Tenant;
using Platform.Data.Tenant.Entities;
using Platform.Data.Text;

namespace Platform.Web.Features.Documents.Ingestion;

public enum IntakeOutcome { Queued, Duplicate, Rejected }

/// <summary>What happened to one file of a batch; <see cref="Message"/> is meant for the user.</summary>
public sealed record IntakeResult(string Name, IntakeOutcome Outcome, string Message, Guid? DocumentId = null)
{
    /// <summary>Why a rejected item was rejected, for callers that answer by kind (the API's status codes).</summary>
    public IntakeRejection Rejection { get; init; }
}

public enum IntakeRejection { None, Invalid, TooLarge, UnsupportedType }

/// <summary>
/// Accepts files and pasted text into a workspace's knowledge base: size limit, type from content, duplicate check
/// by SHA-256; stores the bytes and queues the document for the worker. Callers pass the workspace and user from
/// the signed-in membership (see <see cref="DocumentLibrary"/>), never from the client.
/// </summary>
public sealed class DocumentIntake(TenantDbFactory tenants, IngestionSignals signals, IOptions<DocumentsOptions> options)
{
    public long MaxFileBytes => options.Value.MaxFileBytes;

    /// <summary>Reads at most the size limit from <paramref name="content"/>; a larger file is rejected unread.</summary>
    public async Task<IntakeResult> AddFileAsync(Guid workspaceId, Guid? userId, string fileName, Stream content,
        long declaredSize, string? category = null, IReadOnlyList<string>? tags = null, CancellationToken ct = default)
    {
        var name = Path.GetFileName(fileName);
        if (declaredSize > MaxFileBytes) return TooLarge(name);
        byte[] data;
        try
        {
            data = await ReadBoundedAsync(content, MaxFileBytes, ct);
        }
        catch (InvalidDataException)
        {
            return TooLarge(name);
        }
        catch (IOException)
        {
            return new IntakeResult(name, IntakeOutcome.Rejected, "The upload was interrupted. Try again.");
        }

        var (kind, error) = DocumentKindDetector.Detect(data, name);
        if (kind is null) return new IntakeResult(name, IntakeOutcome.Rejected, error!) { Rejection = IntakeRejection.UnsupportedType };
        if (kind == DocumentKind.Docx && DocxExtractor.CheckArchive(data, options.Value.MaxUnpackedBytes) is { } bomb)
            return new IntakeResult(name, IntakeOutcome.Rejected, bomb) { Rejection = IntakeRejection.TooLarge };

        var title = Path.GetFileNameWithoutExtension(name);
        return await StoreAsync(workspaceId, userId, string.IsNullOrWhiteSpace(title) ? name : title, name, kind.Value, data, category, tags, ct);
    }

    public async Task<IntakeResult> AddTextAsync(Guid workspaceId, Guid? userId, string title, string text,
        string? category = null, IReadOnlyList<string>? tags = null, CancellationToken ct = default)
    {
        title = title.Trim();
        if (title.Length == 0) return new IntakeResult("(untitled)", IntakeOutcome.Rejected, "Give the text a title.");
        if (title.Length > 300) title = title[..300];
        if (string.IsNullOrWhiteSpace(text)) return new IntakeResult(title, IntakeOutcome.Rejected, "The text is empty.");
        var data = System.Text.Encoding.UTF8.GetBytes(text);
        if (data.Length > MaxFileBytes) return TooLarge(title);
        return await StoreAsync(workspaceId, userId, title, null, DocumentKind.Markdown, data, category, tags, ct);
    }

    private async Task<IntakeResult> StoreAsync(Guid workspaceId, Guid? userId, string title, string? fileName,
        DocumentKind kind, byte[] data, string? category, IReadOnlyList<string>? tags, CancellationToken ct)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(data));
        var label = fileName ?? title;
        await using var db = await tenants.OpenAsync(workspaceId, userId, ct);
        var existing = await db.Documents.Where(d => d.ContentHash == hash && d.Status != DocumentStatus.Failed)
            .Select(d => new { d.Id, d.Title }).FirstOrDefaultAsync(ct);
        if (existing is not null)
            return new IntakeResult(label, IntakeOutcome.Duplicate, $"Already in the knowledge base as \"{existing.Title}\".", existing.Id);

        var (document, file) = NewDocument(title, fileName, kind, data, hash, userId, category, tags);
        db.Documents.Add(document);
        db.DocumentFiles.Add(file);
        await db.CommitAsync(ct);
        signals.WorkAvailable(workspaceId);
        signals.Publish(new DocumentChange(workspaceId, document.Id, DocumentStatus.Queued, 0, null));
        return new IntakeResult(label, IntakeOutcome.Queued, "Queued for processing.", document.Id);
    }

    /// <summary>A queued document and its bytes, for callers that checked the bytes themselves and add them in their
    /// own unit of work (Git import adds a whole sync in one transaction). The worker does the rest.</summary>
    public static (Document Document, DocumentFile File) NewDocument(string title, string? fileName, DocumentKind kind, byte[] data,
        string hash, Guid? userId, string? category, IReadOnlyList<string>? tags)
    {
        var document = new Document
        {
            Title = title.Length > 300 ? title[..300] : title, FileName = fileName, ContentType = DocumentKindDetector.ContentType(kind),
            SizeBytes = data.Length, ContentHash = hash, CreatedByUserId = userId,
            Category = string.IsNullOrWhiteSpace(category) ? null : category.Trim(),
            Tags = tags?.Select(t => t.Trim()).Where(t => t.Length > 0).Distinct().ToList() ?? [],
        };
        return (document, new DocumentFile { DocumentId = document.Id, Data = data });
    }

    /// <summary>Replaces a document's bytes and queues it again, inside the caller's unit of work. Its passages stay
    /// searchable until the worker swaps in the new ones (the same way re-embedding works).</summary>
    public static async Task ReplaceContentAsync(TenantDbContext db, Guid documentId, string title, byte[] data, string hash, CancellationToken ct)
    {
        // A bulk update skips EF's text cleaning (names come from Git repositories here).
        title = PostgresText.Clean(title.Length > 300 ? title[..300] : title);
        await db.DocumentFiles.Where(f => f.DocumentId == documentId).ExecuteUpdateAsync(s => s.SetProperty(f => f.Data, data), ct);
        await db.Documents.Where(d => d.Id == documentId).ExecuteUpdateAsync(s => s
            .SetProperty(d => d.Title, title).SetProperty(d => d.SizeBytes, data.Length).SetProperty(d => d.ContentHash, hash)
            .SetProperty(d => d.Status, DocumentStatus.Queued).SetProperty(d => d.Attempts, 0).SetProperty(d => d.Progress, 0)
            .SetProperty(d => d.StatusReason, (string?)null).SetProperty(d => d.LeaseUntil, (DateTimeOffset?)null)
            .SetProperty(d => d.UpdatedAt, DateTimeOffset.UtcNow), ct);
    }

    private IntakeResult TooLarge(string name) =>
        new(name, IntakeOutcome.Rejected, $"The file is larger than the limit of {MaxFileBytes / (1024.0 * 1024):0.#} MB.")
        {
            Rejection = IntakeRejection.TooLarge,
        };

    private static async Task<byte[]> ReadBoundedAsync(Stream content, long limit, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit) throw new InvalidDataException("too large");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
