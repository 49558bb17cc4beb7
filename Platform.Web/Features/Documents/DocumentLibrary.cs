using Platform.Web.Ai;
using Platform.Web.Features.Documents.Ingestion;
using Platform.Web.Features.Workspaces;

namespace Platform.Web.Features.Documents;

/// <summary>
/// What the Documents pages may do, for the circuit's current workspace and user. Blazor UI events bypass HTTP
/// middleware, so every permission is checked here: members add, search and read, and delete what they added;
/// deleting someone else's document and re-embedding take the manage_documents permission (owners, admins, and
/// any custom role that grants it). Expected failures come back as messages, never as exceptions.
/// </summary>
public sealed class DocumentLibrary(
    CurrentWorkspace workspace, DocumentIntake intake, DocumentQueries queries, IKnowledgeSearch search,
    EmbeddingFreshness freshness, IAiBudgetGuard credits, WorkspacePermissions permissions)
{
    public long MaxFileBytes => intake.MaxFileBytes;

    /// <summary>Every call enters through a fresh <see cref="WorkspaceScope"/>: the membership (and that the workspace
    /// is active) is re-checked in the database on the way in, so a member removed while their tab is open is
    /// refused on their very next action. Calls with a result refuse through it; a document or the search facets read
    /// as none; the others (the list, the embedding status, a search) throw
    /// <see cref="WorkspaceAccessDeniedException"/> (message fit to show), as the tenant store's door always did.</summary>
    private async Task<(Guid WorkspaceId, Guid? UserId)> EnterAsync(CancellationToken ct)
    {
        var scope = workspace.Scope();
        await scope.RequireAsync(ct);
        return (scope.WorkspaceId, scope.UserId);
    }

    public Task<List<DocumentRow>> ListAsync(CancellationToken ct = default) => ListAsync(workspace.Scope(), ct);

    /// <summary>The scope-taking overloads below serve callers outside the circuit (the public API, with a key's
    /// <see cref="WorkspaceScope"/>); the circuit's own overloads pass <see cref="CurrentWorkspace.Scope"/>.</summary>
    public async Task<List<DocumentRow>> ListAsync(WorkspaceScope scope, CancellationToken ct = default)
    {
        await scope.RequireAsync(ct);
        return await queries.ListAsync(scope.WorkspaceId, scope.UserId, ct);
    }

    /// <summary>One page of the library, newest first, optionally filtered (the API's list).</summary>
    public async Task<DocumentPage> ListPageAsync(WorkspaceScope scope, DocumentListFilter filter, CancellationToken ct = default)
    {
        await scope.RequireAsync(ct);
        return await queries.ListPageAsync(scope.WorkspaceId, scope.UserId, filter, ct);
    }

    /// <summary>Null when the document does not exist — or the reader is no longer a member (the viewer says
    /// "not found", as for any document they may not see).</summary>
    public Task<DocumentView?> GetAsync(Guid documentId, CancellationToken ct = default) => GetAsync(workspace.Scope(), documentId, ct);

    public async Task<DocumentView?> GetAsync(WorkspaceScope scope, Guid documentId, CancellationToken ct = default)
    {
        if (await scope.RecheckAsync(ct) is not null) return null;
        return await queries.GetAsync(scope.WorkspaceId, scope.UserId, documentId, ct);
    }

    public Task<IntakeResult> AddFileAsync(string name, Stream content, long size, string? category = null,
        IReadOnlyList<string>? tags = null, CancellationToken ct = default) =>
        AddFileAsync(workspace.Scope(), name, content, size, category, tags, ct);

    public async Task<IntakeResult> AddFileAsync(WorkspaceScope scope, string name, Stream content, long size, string? category = null,
        IReadOnlyList<string>? tags = null, CancellationToken ct = default)
    {
        if (await scope.RecheckAsync(ct) is { } refusal) return new IntakeResult(name, IntakeOutcome.Rejected, refusal.Message);
        return await intake.AddFileAsync(scope.WorkspaceId, scope.UserId, name, content, size, category, tags, ct);
    }

    public Task<IntakeResult> AddTextAsync(string title, string text, string? category = null,
        IReadOnlyList<string>? tags = null, CancellationToken ct = default) =>
        AddTextAsync(workspace.Scope(), title, text, category, tags, ct);

    public async Task<IntakeResult> AddTextAsync(WorkspaceScope scope, string title, string text, string? category = null,
        IReadOnlyList<string>? tags = null, CancellationToken ct = default)
    {
        if (await scope.RecheckAsync(ct) is { } refusal) return new IntakeResult(title, IntakeOutcome.Rejected, refusal.Message);
        return await intake.AddTextAsync(scope.WorkspaceId, scope.UserId, title, text, category, tags, ct);
    }

    public async Task<EmbeddingFreshnessStatus> EmbeddingStatusAsync(CancellationToken ct = default)
    {
        var (ws, user) = await EnterAsync(ct);
        return await freshness.StatusAsync(ws, user, ct);
    }

    /// <summary>Whether the user manages the knowledge base (the pages show its actions only to them).
    /// Permissions are read fresh, and a suspended workspace grants nothing (<see cref="WorkspaceGrant.Has"/>).</summary>
    public Task<bool> CanManageAsync(CancellationToken ct = default) => CanManageAsync(workspace.Scope(), ct);

    public async Task<bool> CanManageAsync(WorkspaceScope scope, CancellationToken ct = default) =>
        scope.UserId is { } id && await permissions.HasAsync(scope.WorkspaceId, id, WorkspacePermission.ManageDocuments, ct);

    /// <summary>Re-embedding the whole knowledge base spends the workspace's AI budget: it takes manage_documents.</summary>
    /// <returns>How many documents were queued.</returns>
    public Task<Result<int>> ReembedAsync(CancellationToken ct = default) => ReembedAsync(workspace.Scope(), ct);

    public async Task<Result<int>> ReembedAsync(WorkspaceScope scope, CancellationToken ct = default)
    {
        if (await scope.RecheckAsync(ct) is { } refusal) return refusal;
        if (!await CanManageAsync(scope, ct)) return Failure.Forbidden(ReembedTakesManage);
        var queued = await freshness.QueueAsync(scope.WorkspaceId, scope.UserId, ct);
        return queued == 0 ? Failure.Conflict(NothingToReembed) : queued;
    }

    public const string ReembedTakesManage =
        "Re-embedding the knowledge base takes the \"manage documents\" permission (owners and admins have it).";
    public const string NothingToReembed = "Nothing to re-embed: every ready passage already uses the current model.";
    public const string DeleteTakesManage =
        "Deleting documents added by others takes the \"manage documents\" permission (owners and admins have it).";
    public const string NoSuchDocument = "The document no longer exists.";

    /// <summary>Categories and tags in use, for the search page's filters.</summary>
    /// <summary>None for a removed member (their next search is refused with the reason).</summary>
    public async Task<(List<string> Categories, List<string> Tags)> FacetsAsync(CancellationToken ct = default)
    {
        var scope = workspace.Scope();
        if (await scope.RecheckAsync(ct) is not null) return ([], []);
        return await queries.FacetsAsync(scope.WorkspaceId, scope.UserId, ct);
    }

    public Task<Result> DeleteAsync(DocumentRow document, CancellationToken ct = default) => DeleteAsync(workspace.Scope(), document.Id, ct);

    public async Task<Result> DeleteAsync(WorkspaceScope scope, Guid documentId, CancellationToken ct = default)
    {
        if (await scope.RecheckAsync(ct) is { } refusal) return refusal;
        var (ws, user) = (scope.WorkspaceId, scope.UserId);
        if (!await CanManageAsync(scope, ct))
        {
            // Members may delete what they uploaded themselves.
            if (user is null || await queries.CreatedByAsync(ws, user, documentId, ct) != user) return Failure.Forbidden(DeleteTakesManage);
        }
        return await queries.DeleteAsync(ws, user, documentId, ct) ? Result.Success : Failure.NotFound(NoSuchDocument);
    }

    public async Task<Result> RetryAsync(Guid documentId, CancellationToken ct = default)
    {
        var scope = workspace.Scope();
        if (await scope.RecheckAsync(ct) is { } refusal) return refusal;
        return await queries.RetryAsync(scope.WorkspaceId, scope.UserId, documentId, ct)
            ? Result.Success
            : Failure.Conflict("Only failed documents can be retried.");
    }

    /// <summary>One search credit for a person's search (tier limits in Costs:Tiers); the refusal says when the
    /// credits reset. Chat's own retrieval is covered by its message credit.
    /// A removed member (or a suspended workspace) is refused before any credit is spent.</summary>
    public Task<Result> ConsumeSearchCreditAsync(CancellationToken ct = default) => ConsumeSearchCreditAsync(workspace.Scope(), ct);

    public async Task<Result> ConsumeSearchCreditAsync(WorkspaceScope scope, CancellationToken ct = default)
    {
        if (await scope.RecheckAsync(ct) is { } refusal) return refusal;
        var credit = await credits.ConsumeCreditAsync(scope.WorkspaceId, scope.UserId, CreditKind.Search, ct: ct);
        return credit.Allowed ? Result.Success : Failure.LimitReached(credit.Refusal ?? "No search credits left for this period.");
    }

    public Task<IReadOnlyList<KnowledgePassage>> SearchAsync(string query, int k, KnowledgeFilters? filters = null, CancellationToken ct = default) =>
        SearchAsync(workspace.Scope(), query, k, filters, ct);

    public async Task<IReadOnlyList<KnowledgePassage>> SearchAsync(WorkspaceScope scope, string query, int k, KnowledgeFilters? filters = null,
        CancellationToken ct = default)
    {
        await scope.RequireAsync(ct);
        return await search.SearchAsync(scope.WorkspaceId, scope.UserId, query, k, filters, ct);
    }
}
