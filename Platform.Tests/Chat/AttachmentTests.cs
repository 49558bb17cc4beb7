using System.Text;
using Microsoft.EntityFrameworkCore;
using Platform.Data.Tenant.Entities;
using Platform.Web.Features.Chat;
using Platform.Web.Features.Chat.Engine;

namespace Platform.Tests.Chat;

/// <summary>Attachments: a file attached to a message goes into the knowledge base through the Documents intake,
/// the message records it, and answers prefer it once it is ready (real PostgreSQL, offline assistant).</summary>
public class AttachmentTests(ChatPlatform platform) : IClassFixture<ChatPlatform>
{
    // Mentions leave only once in a longer text, so plain ranking puts the handbook first.
    private const string TravelNote =
        "Travel guide for the Lisbon office. Book trains early, keep receipts, the office closes in August. " +
        "Annual leave requests for the Lisbon trip go through your manager. Visitors sign in at reception.";

    private static MemoryStream File(string text) => new(Encoding.UTF8.GetBytes(text));

    [Fact]
    public async Task An_attached_file_is_added_to_the_knowledge_base_recorded_on_the_message_and_preferred_once_ready()
    {
        var actor = await platform.WorkspaceAsync(endpoint: null);
        var attachments = platform.Get<ChatAttachments>();
        var bytes = Encoding.UTF8.GetByteCount(TravelNote);

        var attached = await attachments.AddAsync(actor, "lisbon-travel.txt", File(TravelNote), bytes);
        Assert.True(attached.Ok, attached.Error);
        var documentId = attached.Value!.DocumentId;
        await using (var db = await platform.Tenants.OpenAsync(actor.WorkspaceId, actor.UserId))
            Assert.Equal(DocumentStatus.Queued, (await db.Documents.AsNoTracking().SingleAsync(d => d.Id == documentId)).Status);

        const string question = "How many days of paid annual leave do we get?";
        var sent = await platform.Conversation.SendAsync(actor, null, question, attachments: [attached.Value]);
        Assert.True(sent.Ok, sent.Error);
        var view = (await platform.Conversation.LoadAsync(actor, sent.Value.ChatId))!;
        Assert.Equal([new ChatAttachment(documentId, "lisbon-travel.txt")], view.Messages[0].Attachments);

        // Not ingested yet: the rest of the knowledge base answers.
        var first = await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Status == MessageStatus.Complete);
        Assert.DoesNotContain(Citation.Parse(first.Citations), c => c.DocumentId == documentId);

        // What the ingestion worker does when it finishes: chunks stored, document ready.
        await using (var db = await platform.Tenants.OpenAsync(actor.WorkspaceId, actor.UserId))
        {
            var doc = await db.Documents.SingleAsync(d => d.Id == documentId);
            doc.Status = DocumentStatus.Ready;
            db.DocumentChunks.Add(new DocumentChunk { DocumentId = documentId, Position = 0, Content = TravelNote });
            await db.CommitAsync();
        }
        var again = await platform.Conversation.RegenerateAsync(actor, sent.Value.AssistantId);
        Assert.True(again.Ok, again.Error);
        var second = await platform.WaitForAsync(actor, again.Value.AssistantId, m => m.Status == MessageStatus.Complete);
        var citations = Citation.Parse(second.Citations);
        Assert.Equal(documentId, citations[0].DocumentId);
        // Preferred, not exclusive: the handbook still fills the remaining places.
        Assert.Contains(citations, c => c.DocumentId != documentId);
    }

    [Fact]
    public async Task The_same_file_twice_points_at_the_existing_document_and_bad_files_and_foreign_ids_are_refused()
    {
        var actor = await platform.WorkspaceAsync(endpoint: null);
        var attachments = platform.Get<ChatAttachments>();
        var bytes = Encoding.UTF8.GetByteCount(TravelNote);

        var a = await attachments.AddAsync(actor, "travel.txt", File(TravelNote), bytes);
        var b = await attachments.AddAsync(actor, "travel-copy.txt", File(TravelNote), bytes);
        Assert.True(a.Ok && b.Ok, a.Error ?? b.Error);
        Assert.Equal(a.Value!.DocumentId, b.Value!.DocumentId);

        var tooBig = await attachments.AddAsync(actor, "huge.txt", File("x"), attachments.MaxFileBytes + 1);
        Assert.False(tooBig.Ok);
        Assert.Contains("huge.txt", tooBig.Error);

        // A document of another workspace cannot be attached (RLS hides it): nothing is sent, nothing is lost.
        var other = await platform.WorkspaceAsync(endpoint: null);
        var foreign = await platform.Get<ChatAttachments>().AddAsync(other, "other.txt", File("Other workspace secret plans."), 29);
        Assert.True(foreign.Ok, foreign.Error);
        var refused = await platform.Conversation.SendAsync(actor, null, "Question?", attachments: [foreign.Value!]);
        Assert.False(refused.Ok);
    }
}
