using Platform.Data.Tenant.Entities;
using Platform.Web.Features.Chat;

namespace Platform.Tests.Chat;

/// <summary>The empty chat's first questions come from the workspace's newest ready documents, through the chat's
/// service (the page no longer queries the store itself), and stop for a member who was removed.</summary>
public class StarterQuestionTests(ChatPlatform platform) : IClassFixture<ChatPlatform>
{
    [Fact]
    public async Task Starter_questions_name_the_newest_ready_documents_and_stop_when_the_member_is_removed()
    {
        var owner = await platform.WorkspaceAsync(endpoint: null);
        await using (var db = await platform.Tenants.OpenAsync(owner.WorkspaceId, owner.UserId))
        {
            db.Documents.Add(new Document { Title = "Travel policy", Content = "x", Status = DocumentStatus.Ready, CreatedAt = DateTimeOffset.UtcNow.AddMinutes(1) });
            db.Documents.Add(new Document { Title = "Still processing", Content = "x", Status = DocumentStatus.Processing, CreatedAt = DateTimeOffset.UtcNow.AddMinutes(2) });
            await db.CommitAsync();
        }
        var member = new ChatActor(owner.WorkspaceId, await platform.AddMemberAsync(owner.WorkspaceId));

        var questions = await platform.Conversation.StarterQuestionsAsync(member);
        Assert.Equal(["What are the key points of “Travel policy”?", "What are the key points of “Employee handbook”?"], questions);

        await platform.RemoveMemberAsync(member.WorkspaceId, member.UserId);
        Assert.Empty(await platform.Conversation.StarterQuestionsAsync(member));
    }
}
