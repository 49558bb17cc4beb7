using Microsoft.Extensions.Options;
using Platform.Web.Ai;
using Platform.Web.Features.Api.Keys;
using Platform.Web.Features.Documents;

namespace Platform.Web.Features.Api;

public sealed record ApiSearchRequest(string Query, int? K = null, string? Category = null, IReadOnlyList<string>? Tags = null,
    IReadOnlyList<Guid>? DocumentIds = null);

public sealed record ApiPassage(Guid DocumentId, string DocumentTitle, string DocumentUrl, Guid ChunkId, int Position, string Content,
    double Score, double? VectorScore, double? KeywordScore);

public sealed record ApiSearchResult(string Query, IReadOnlyList<ApiPassage> Passages);

/// <summary>/api/v1/search: the hybrid knowledge search the app's search page and chat use, with its filters;
/// each call spends a search credit exactly as a search in the app does.</summary>
public static class SearchEndpoints
{
    public const int MaxK = 50;

    public static RouteGroupBuilder MapApiSearch(this RouteGroupBuilder api)
    {
        api.MapPost("/search", SearchAsync).RequireApiScope(ApiScopes.Search).WithTags("Search")
            .Produces<ApiSearchResult>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithSummary("Hybrid (vector + keyword) search; passages with their document, position and scores.");
        return api;
    }

    private static async Task<IResult> SearchAsync(HttpContext http, DocumentLibrary library, IOptions<ApiOptions> options, CancellationToken ct)
    {
        var (body, _, problem) = await ApiBody.ReadJsonAsync<ApiSearchRequest>(http.Request, options.Value.MaxJsonBodyBytes, ct);
        if (problem is not null) return problem;
        var query = body!.Query?.Trim() ?? "";
        if (query.Length is 0 or > 2000) return ApiProblems.Problem(ApiFailure.Invalid, "Send a 'query' of 1 to 2,000 characters.");
        var k = body.K ?? 8;
        if (k is < 1 or > MaxK) return ApiProblems.Problem(ApiFailure.Invalid, $"'k' is 1 to {MaxK}.");

        var scope = http.ApiCaller().Scope;
        if ((await library.ConsumeSearchCreditAsync(scope, ct)).Failure is { } refused) return ApiProblems.From(refused);
        var filters = new KnowledgeFilters(body.DocumentIds is { Count: > 0 } ids ? ids : null,
            body.Tags is { Count: > 0 } tags ? tags : null, string.IsNullOrWhiteSpace(body.Category) ? null : body.Category.Trim());
        var passages = await library.SearchAsync(scope, query, k, filters, ct);
        return Results.Ok(new ApiSearchResult(query, [.. passages.Select(p => new ApiPassage(p.DocumentId, p.DocumentTitle,
            DocumentsEndpoints.UrlOf(p.DocumentId), p.ChunkId, p.Position, p.Content, p.Score, p.VectorScore, p.KeywordScore))]));
    }
}
