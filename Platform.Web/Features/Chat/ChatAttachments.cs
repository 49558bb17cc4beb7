using System.Text.Json;
using Platform.Web.Features.Documents.Ingestion;

namespace Platform.Web.Features.Chat;

/// <summary>A file attached to a message: the knowledge-base document it became.</summary>
public sealed record ChatAttachment(Guid DocumentId, string Name)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Serialize(IReadOnlyList<ChatAttachment> attachments) => JsonSerializer.Serialize(attachments, Json);

    public static IReadOnlyList<ChatAttachment> Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return [];
        try { return JsonSerializer.Deserialize<List<ChatAttachment>>(json, Json) ?? []; }
        catch (JsonException) { return []; }
    }
}

/// <summary>
/// Files attached in the composer go into the workspace knowledge base through the Documents area's intake
/// (same checks, size limit, de-duplication and ingestion as the Documents page); the message then records the
/// document, and answers in the chat prefer it once it is ready.
/// </summary>
public sealed class ChatAttachments(DocumentIntake intake)
{
    public const int MaxPerMessage = 5;

    public long MaxFileBytes => intake.MaxFileBytes;

    public async Task<Result<ChatAttachment>> AddAsync(ChatActor actor, string fileName, Stream content, long size,
        CancellationToken ct = default)
    {
        var result = await intake.AddFileAsync(actor.WorkspaceId, actor.UserId, fileName, content, size, ct: ct);
        return result is { Outcome: not IntakeOutcome.Rejected, DocumentId: { } id }
            // A duplicate is fine: the file is already in the knowledge base, the message points at that document.
            ? Result<ChatAttachment>.Of(new ChatAttachment(id, result.Name))
            : Result<ChatAttachment>.Fail($"“{result.Name}” was not attached: {result.Message}");
    }
}
