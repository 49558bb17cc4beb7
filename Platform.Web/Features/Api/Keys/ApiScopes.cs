using Platform.Web.Features.Workspaces;

namespace Platform.Web.Features.Api.Keys;

/// <summary>What an API key may be used for. A scope never grants more than its creator may do in the UI: each
/// names the workspace permission it needs (null: any member may), checked when the key is created and again on
/// every request.</summary>
public static class ApiScopes
{
    public const string DocumentsRead = "documents:read";
    public const string DocumentsWrite = "documents:write";
    public const string Search = "search";
    public const string Chat = "chat";

    public static readonly IReadOnlyList<string> All = [DocumentsRead, DocumentsWrite, Search, Chat];

    /// <summary>The permission the creator must hold for the scope. Members read, add and search documents (and
    /// delete their own; deleting others' and re-embedding still take manage_documents, checked by the service).</summary>
    public static string? RequiredPermission(string scope) => scope switch
    {
        Chat => WorkspacePermission.UseChat,
        _ => null,
    };

    public static string Describe(string scope) => scope switch
    {
        DocumentsRead => "List and read documents",
        DocumentsWrite => "Add, delete and re-embed documents",
        Search => "Search the knowledge base",
        Chat => "Chat completions (OpenAI-compatible)",
        _ => scope,
    };
}
