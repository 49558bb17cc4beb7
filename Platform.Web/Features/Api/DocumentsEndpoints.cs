using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Platform.Data.Tenant.Entities;
using Platform.Web.Features.Api.Keys;
using Platform.Web.Features.Documents;
using Platform.Web.Features.Documents.Ingestion;

namespace Platform.Web.Features.Api;

public sealed record ApiDocument(Guid Id, string Title, string? FileName, string ContentType, long SizeBytes, string Status,
    string? StatusReason, int Progress, int ChunkCount, string? Category, IReadOnlyList<string> Tags, string? EmbeddingModel,
    DateTimeOffset CreatedAt, string Url)
{
    public static ApiDocument Of(DocumentRow d) => new(d.Id, d.Title, d.FileName, d.ContentType, d.SizeBytes, d.Status, d.StatusReason,
        d.Progress, d.ChunkCount, d.Category, d.Tags, d.EmbeddingModel, d.CreatedAt, DocumentsEndpoints.UrlOf(d.Id));
}

public sealed record ApiDocumentPage(IReadOnlyList<ApiDocument> Items, int Page, int PageSize, int Total);

/// <summary>The answer to a create: ingestion goes on in the background; poll <see cref="Url"/> until the status
/// is ready or failed.</summary>
public sealed record ApiDocumentAccepted(Guid Id, string Status, bool Duplicate, string Message, string Url);

public sealed record ApiTextDocument(string Title, string Text, string? Category = null, IReadOnlyList<string>? Tags = null);

public sealed record ApiReembedAccepted(int Queued);

/// <summary>/api/v1/documents: the knowledge base for an API key, through <see cref="DocumentLibrary"/> with the
/// key's <see cref="Workspaces.WorkspaceScope"/>, so the UI's limits, type detection and permissions apply.</summary>
public static class DocumentsEndpoints
{
    public static string UrlOf(Guid id) => $"/api/v1/documents/{id}";

    public static RouteGroupBuilder MapApiDocuments(this RouteGroupBuilder api)
    {
        var documents = api.MapGroup("/documents").WithTags("Documents").ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status429TooManyRequests);
        documents.MapGet("/", ListAsync).RequireApiScope(ApiScopes.DocumentsRead).Produces<ApiDocumentPage>()
            .WithSummary("List documents, newest first (paged; filter by status, category, tag).");
        documents.MapGet("/{id:guid}", GetAsync).RequireApiScope(ApiScopes.DocumentsRead).Produces<ApiDocument>()
            .WithSummary("A document: status, progress, chunk count, metadata.");
        documents.MapPost("/", UploadAsync).RequireApiScope(ApiScopes.DocumentsWrite).DisableAntiforgery()
            .Produces<ApiDocumentAccepted>(StatusCodes.Status202Accepted).Produces<ApiDocumentAccepted>()
            .WithSummary("Upload a file (multipart field 'file'; optional 'category' and 'tags'). Ingestion is asynchronous.");
        documents.MapPost("/text", AddTextAsync).RequireApiScope(ApiScopes.DocumentsWrite)
            .Produces<ApiDocumentAccepted>(StatusCodes.Status202Accepted).Produces<ApiDocumentAccepted>()
            .WithSummary("Add a document from text (markdown). Ingestion is asynchronous.");
        documents.MapDelete("/{id:guid}", DeleteAsync).RequireApiScope(ApiScopes.DocumentsWrite).Produces(StatusCodes.Status204NoContent)
            .WithSummary("Delete a document (your own; anyone's takes the creator's 'manage documents').");
        documents.MapPost("/reembed", ReembedAsync).RequireApiScope(ApiScopes.DocumentsWrite)
            .Produces<ApiReembedAccepted>(StatusCodes.Status202Accepted).Produces<ApiReembedAccepted>()
            .WithSummary("Re-embed every passage not on the current embedding model (takes 'manage documents').");
        return api;
    }

    private static async Task<IResult> ListAsync(HttpContext http, DocumentLibrary library, int? page, int? pageSize,
        string? status, string? category, string? tag, CancellationToken ct)
    {
        var size = pageSize ?? 50;
        if (page is < 1 || size is < 1 or > 200) return ApiProblems.Problem(ApiFailure.Invalid, "page starts at 1; pageSize is 1 to 200.");
        if (status is not null && status is not (DocumentStatus.Queued or DocumentStatus.Processing or DocumentStatus.Ready or DocumentStatus.Failed))
            return ApiProblems.Problem(ApiFailure.Invalid, "status is one of queued, processing, ready, failed.");
        var result = await library.ListPageAsync(http.ApiCaller().Scope, new DocumentListFilter(page ?? 1, size, status, category, tag), ct);
        return Results.Ok(new ApiDocumentPage([.. result.Items.Select(ApiDocument.Of)], result.Page, result.PageSize, result.Total));
    }

    private static async Task<IResult> GetAsync(HttpContext http, DocumentLibrary library, Guid id, CancellationToken ct) =>
        await library.GetAsync(http.ApiCaller().Scope, id, ct) is { } view
            ? Results.Ok(ApiDocument.Of(view.Document))
            : ApiProblems.Problem(ApiFailure.NotFound, "No such document in this workspace.");

    private static async Task<IResult> UploadAsync(HttpContext http, DocumentLibrary library, ApiIdempotency idempotency, CancellationToken ct)
    {
        // The form's overhead on top of the UI's file limit; larger bodies are refused before they are read.
        var limit = library.MaxFileBytes + 64 * 1024;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit;
        if (http.Request.ContentLength > limit) return ApiBody.TooLarge(limit);
        if (!http.Request.HasFormContentType) return ApiProblems.Problem(ApiFailure.UnsupportedMediaType, "Send the file as multipart/form-data (field 'file').");
        var (idemKey, badKey) = ApiIdempotency.KeyOf(http.Request);
        if (badKey is not null) return badKey;

        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = limit, ValueCountLimit = 64 }, ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ApiBody.TooLarge(limit);
        }
        catch (InvalidDataException)
        {
            return ApiBody.TooLarge(limit);
        }
        if (form.Files.GetFile("file") is not { } file) return ApiProblems.Problem(ApiFailure.Invalid, "Put the file in the multipart field 'file'.");
        var category = Blank(form["category"]);
        var tags = TagsOf(form["tags"]);

        var caller = http.ApiCaller();
        await using var content = new MemoryStream();
        await file.CopyToAsync(content, ct);
        var hash = ApiIdempotency.HashOf("upload"u8.ToArray(), ApiIdempotency.Utf8(file.FileName), ApiIdempotency.Utf8(category),
            ApiIdempotency.Utf8(string.Join('\n', tags)), content.ToArray());
        if (idemKey is not null && await idempotency.ReplayAsync(caller, idemKey, hash, ct) is { } replay) return replay;
        content.Position = 0;
        var result = await library.AddFileAsync(caller.Scope, file.FileName, content, file.Length, category, tags, ct);
        return await AcceptedAsync(http, idempotency, caller, idemKey, hash, result, ct);
    }

    private static async Task<IResult> AddTextAsync(HttpContext http, DocumentLibrary library, ApiIdempotency idempotency,
        IOptions<ApiOptions> options, CancellationToken ct)
    {
        var (idemKey, badKey) = ApiIdempotency.KeyOf(http.Request);
        if (badKey is not null) return badKey;
        // Text counts against the same limit as a file (Documents:MaxFileBytes), plus JSON's overhead.
        var (body, raw, problem) = await ApiBody.ReadJsonAsync<ApiTextDocument>(http.Request,
            Math.Max(options.Value.MaxJsonBodyBytes, library.MaxFileBytes * 2), ct);
        if (problem is not null) return problem;
        if (body!.Title is null || body.Text is null) return ApiProblems.Problem(ApiFailure.Invalid, "Send 'title' and 'text'.");

        var caller = http.ApiCaller();
        var hash = ApiIdempotency.HashOf("text"u8.ToArray(), raw);
        if (idemKey is not null && await idempotency.ReplayAsync(caller, idemKey, hash, ct) is { } replay) return replay;
        var result = await library.AddTextAsync(caller.Scope, body.Title, body.Text, Blank(body.Category), body.Tags?.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()).ToList(), ct);
        return await AcceptedAsync(http, idempotency, caller, idemKey, hash, result, ct);
    }

    /// <summary>202 with a poll URL for a queued document; 200 for content already in the knowledge base.</summary>
    private static async Task<IResult> AcceptedAsync(HttpContext http, ApiIdempotency idempotency, ApiCaller caller, string? idemKey,
        string hash, IntakeResult result, CancellationToken ct)
    {
        if (result.Outcome == IntakeOutcome.Rejected || result.DocumentId is not { } id) return ApiProblems.FromRejectedIntake(result);
        var duplicate = result.Outcome == IntakeOutcome.Duplicate;
        var body = new ApiDocumentAccepted(id, duplicate ? "existing" : DocumentStatus.Queued, duplicate, result.Message, UrlOf(id));
        var stored = new StoredResponse(duplicate ? StatusCodes.Status200OK : StatusCodes.Status202Accepted, body, UrlOf(id));
        if (idemKey is not null) await idempotency.StoreAsync(caller, idemKey, hash, stored, ct);
        return stored.ToResult();
    }

    private static async Task<IResult> DeleteAsync(HttpContext http, DocumentLibrary library, Guid id, CancellationToken ct) =>
        ApiProblems.From(await library.DeleteAsync(http.ApiCaller().Scope, id, ct));

    private static async Task<IResult> ReembedAsync(HttpContext http, DocumentLibrary library, CancellationToken ct)
    {
        var result = await library.ReembedAsync(http.ApiCaller().Scope, ct);
        return result.Failure switch
        {
            null => Results.Accepted(value: new ApiReembedAccepted(result.Value)),
            { Kind: FailureKind.Conflict } => Results.Ok(new ApiReembedAccepted(0)), // nothing to re-embed: not an error for a client
            var failure => ApiProblems.From(failure),
        };
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static List<string> TagsOf(Microsoft.Extensions.Primitives.StringValues values) =>
        [.. values.SelectMany(v => (v ?? "").Split(',')).Select(t => t.Trim()).Where(t => t.Length > 0).Distinct()];
}
