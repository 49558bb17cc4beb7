using Platform.Web.Ai;
using Platform.Web.Features.Chat.Retrieval;

namespace Platform.Tests.Chat;

/// <summary>The keyword fallback search: real PostgreSQL full-text, inside the workspace only.</summary>
public class KnowledgeSearchTests(ChatPlatform platform) : IClassFixture<ChatPlatform>
{
    [Fact]
    public async Task Finds_the_relevant_chunk_by_any_of_the_question_words_and_never_another_workspaces()
    {
        var mine = await platform.WorkspaceAsync(null);
        var theirs = await platform.WorkspaceAsync(null, "## Secrets\nThe paid leave of the other company is 99 days.");
        var search = platform.Get<IKnowledgeSearch>();
        Assert.IsType<KeywordKnowledgeSearch>(search);

        var hits = await search.SearchAsync(mine.WorkspaceId, mine.UserId, "How many days of paid leave do we get?", 5);
        var hit = Assert.Single(hits);
        Assert.Contains("28 days", hit.Content);
        Assert.True(hit.Score > 0);

        Assert.Empty(await search.SearchAsync(mine.WorkspaceId, mine.UserId, "quantum chromodynamics", 5));
        Assert.DoesNotContain(await search.SearchAsync(theirs.WorkspaceId, theirs.UserId, "paid leave days", 5), p => p.Content.Contains("28 days"));
    }
}
