using Microsoft.EntityFrameworkCore;
using Platform.Data.Tenant.Entities;
using Platform.Web.Features.Chat;
using Platform.Web.Features.Chat.Threads;

namespace Platform.Tests.Chat;

/// <summary>Deleted chats are restorable for a while, then gone for good with everything that hangs off them.</summary>
public class RetentionTests(ChatPlatform platform) : IClassFixture<ChatPlatform>
{
    private async Task<Guid> ChatAsync(ChatActor actor, string question)
    {
        var sent = await platform.Conversation.SendAsync(actor, null, question);
        await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Status == MessageStatus.Complete);
        return sent.Value.ChatId;
    }

    private async Task DeletedDaysAgoAsync(ChatActor actor, Guid chatId, int days)
    {
        await platform.Get<ChatThreads>().DeleteAsync(actor, chatId);
        await using var db = await platform.Tenants.OpenAsync(actor.WorkspaceId);
        await db.Chats.Where(c => c.Id == chatId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.DeletedAt, DateTimeOffset.UtcNow.AddDays(-days)));
        await db.CommitAsync();
    }

    [Fact]
    public async Task Chats_deleted_longer_ago_than_the_restore_window_are_purged_with_their_messages()
    {
        var actor = await platform.WorkspaceAsync(null);
        var expired = await ChatAsync(actor, "How many days of paid leave do we get?");
        var recent = await ChatAsync(actor, "And public holidays?");
        var kept = await ChatAsync(actor, "Who approves leave?");
        await DeletedDaysAgoAsync(actor, expired, 31);
        await DeletedDaysAgoAsync(actor, recent, 1);
        var other = await platform.WorkspaceAsync(null);
        var otherExpired = await ChatAsync(other, "How many days of paid leave do we get?");
        await DeletedDaysAgoAsync(other, otherExpired, 31);

        Assert.Equal(1, await platform.Get<ChatRetention>().PurgeWorkspaceAsync(actor.WorkspaceId));

        await using (var db = await platform.Tenants.OpenAsync(actor.WorkspaceId))
        {
            Assert.Equal(new[] { kept, recent }.Order(), (await db.Chats.Select(c => c.Id).ToListAsync()).Order());
            Assert.False(await db.Messages.AnyAsync(m => m.ChatId == expired));
            Assert.False(await db.GenerationStreams.AnyAsync(g => g.ChatId == expired));
        }
        // The still-restorable chat comes back; the purge of one workspace left the other alone.
        Assert.True((await platform.Get<ChatThreads>().RestoreAsync(actor, recent)).Ok);
        await using var otherDb = await platform.Tenants.OpenAsync(other.WorkspaceId);
        Assert.True(await otherDb.Chats.AnyAsync(c => c.Id == otherExpired));
    }
}
