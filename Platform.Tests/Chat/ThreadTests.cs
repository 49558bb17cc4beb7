using Microsoft.EntityFrameworkCore;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Data.Tenant.Entities;
using Platform.Web.Features.Chat;
using Platform.Web.Features.Chat.Settings;
using Platform.Web.Features.Chat.Threads;

namespace Platform.Tests.Chat;

/// <summary>Threads, votes, preferences and personalities on real PostgreSQL (offline assistant).</summary>
public class ThreadTests(ChatPlatform platform) : IClassFixture<ChatPlatform>
{
    private ChatThreads Threads => platform.Get<ChatThreads>();

    private async Task<(Guid ChatId, Guid AnswerId)> ChatAsync(ChatActor actor, string question)
    {
        var sent = await platform.Conversation.SendAsync(actor, null, question);
        await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Status == MessageStatus.Complete);
        return sent.Value;
    }

    [Fact]
    public async Task Threads_rename_pin_archive_delete_restore_and_search_titles_and_messages()
    {
        var actor = await platform.WorkspaceAsync(null);
        var (leave, _) = await ChatAsync(actor, "How many days of paid leave do we get?");
        var (other, _) = await ChatAsync(actor, "Anything about quantum physics?");

        var list = await Threads.ListAsync(actor, new ChatListFilter());
        Assert.Equal(2, list.Count);
        Assert.All(list, c => Assert.Equal(2, c.MessageCount));
        Assert.All(list, c => Assert.True(c.Tokens > 0));

        Assert.True((await Threads.RenameAsync(actor, leave, "  Leave  ")).Ok);
        Assert.False((await Threads.RenameAsync(actor, leave, "   ")).Ok);
        await Threads.SetPinnedAsync(actor, leave, true);
        list = await Threads.ListAsync(actor, new ChatListFilter());
        Assert.Equal(("Leave", true), (list[0].Title, list[0].IsPinned));

        // A later answer never overwrites a title the user chose.
        await platform.Conversation.SendAsync(actor, leave, "And public holidays?");
        Assert.Equal("Leave", (await platform.Conversation.LoadAsync(actor, leave))!.Title);

        Assert.Equal([leave], (await Threads.SearchAsync(actor, "paid LEAVE")).Select(h => h.ChatId));
        Assert.Equal([other], (await Threads.SearchAsync(actor, "quantum")).Select(h => h.ChatId));
        Assert.Empty(await Threads.SearchAsync(actor, "%"));

        await Threads.SetArchivedAsync(actor, other, true);
        Assert.Equal([leave], (await Threads.ListAsync(actor, new ChatListFilter())).Select(c => c.Id));
        Assert.Equal([other], (await Threads.ListAsync(actor, new ChatListFilter(Archived: true))).Select(c => c.Id));

        await Threads.DeleteAsync(actor, leave);
        Assert.Null(await platform.Conversation.LoadAsync(actor, leave));
        Assert.Equal([leave], (await Threads.ListAsync(actor, new ChatListFilter(Deleted: true))).Select(c => c.Id));
        Assert.True((await Threads.RestoreAsync(actor, leave)).Ok);
        Assert.NotNull(await platform.Conversation.LoadAsync(actor, leave));

        // Someone else's threads are untouchable and invisible.
        var stranger = actor with { UserId = await platform.CreateUserAsync() };
        Assert.Empty(await Threads.ListAsync(stranger, new ChatListFilter()));
        Assert.False((await Threads.DeleteAsync(stranger, leave)).Ok);
        Assert.Empty(await Threads.SearchAsync(stranger, "leave"));
    }

    [Fact]
    public async Task A_shared_thread_is_readable_by_members_but_not_writable()
    {
        var actor = await platform.WorkspaceAsync(null);
        var (chat, answer) = await ChatAsync(actor, "How many days of paid leave do we get?");
        // A member of the workspace (the chat re-checks the membership: a user from outside reads nothing at all).
        var member = actor with { UserId = await platform.AddMemberAsync(actor.WorkspaceId) };
        Assert.Null(await platform.Conversation.LoadAsync(member, chat));

        await Threads.SetSharedAsync(actor, chat, true);
        var view = await platform.Conversation.LoadAsync(member, chat);
        Assert.NotNull(view);
        Assert.False(view.IsOwner);
        Assert.False((await platform.Conversation.SendAsync(member, chat, "Me too")).Ok);
        Assert.True((await platform.Conversation.VoteAsync(member, answer, 1, null)).Ok);
    }

    [Fact]
    public async Task Votes_are_one_per_user_with_a_reason_and_can_be_withdrawn()
    {
        var actor = await platform.WorkspaceAsync(null);
        var (chat, answer) = await ChatAsync(actor, "How many days of paid leave do we get?");
        Assert.True((await platform.Conversation.VoteAsync(actor, answer, 1, null)).Ok);
        Assert.True((await platform.Conversation.VoteAsync(actor, answer, -1, "  Missed the holidays  ")).Ok);
        Assert.False((await platform.Conversation.VoteAsync(actor, answer, 5, null)).Ok);

        var view = (await platform.Conversation.LoadAsync(actor, chat))!;
        Assert.Equal((short)-1, view.Messages[1].MyVote);
        Assert.Equal("Missed the holidays", view.Messages[1].MyVoteReason);

        await platform.Conversation.VoteAsync(actor, answer, 0, null);
        await using var db = await platform.Tenants.OpenAsync(actor.WorkspaceId, actor.UserId);
        Assert.Equal(0, await db.MessageVotes.CountAsync());
    }

    [Fact]
    public async Task Preferences_are_per_user_and_custom_instructions_reach_the_prompt()
    {
        var store = platform.Get<PreferencesStore>();
        var actor = await platform.WorkspaceAsync(null);
        var saved = await store.SaveAsync(actor.UserId, new UserPreferences
        {
            CustomInstructions = "  Answer like a pirate.  ", Theme = "neon", SendWithEnter = false, ShowStatsForNerds = true,
        });
        Assert.Equal(("Answer like a pirate.", "system"), (saved.CustomInstructions, saved.Theme));
        var loaded = await store.GetAsync(actor.UserId);
        Assert.False(loaded.SendWithEnter);
        Assert.True(loaded.ShowStatsForNerds);

        // Row-level security: another user's session sees no row of this user.
        await using var main = await platform.Main.OpenAsync(DbSession.ForUser(await platform.CreateUserAsync()));
        Assert.Equal(0, await main.UserPreferences.CountAsync());
        Assert.Equal("system", (await store.GetAsync(Guid.NewGuid())).Theme);
    }

    [Fact]
    public async Task Personalities_are_managed_by_admins_and_deleting_one_in_use_deactivates_it()
    {
        var store = platform.Get<PersonalityStore>();
        var actor = await platform.WorkspaceAsync(null);
        var saved = await store.SaveAsync(actor, new PersonalityInput { Name = "Pirate", SystemPrompt = "Talk like a pirate.", IsDefault = true });
        Assert.True(saved.Ok, saved.Error);
        Assert.False((await store.SaveAsync(actor, new PersonalityInput { Name = "Pirate", SystemPrompt = "again" })).Ok);
        Assert.False((await store.SaveAsync(actor, new PersonalityInput { Name = "Hot", SystemPrompt = "x", Temperature = 3 })).Ok);

        var member = actor with { UserId = await platform.CreateUserAsync() };
        Assert.Contains("owners and admins", (await store.SaveAsync(member, new PersonalityInput { Name = "Mine", SystemPrompt = "x" })).Error);

        var sent = await platform.Conversation.SendAsync(actor, null, "How many days of paid leave do we get?", saved.Value);
        await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Status == MessageStatus.Complete);
        var answer = await platform.MessageAsync(actor, sent.Value.AssistantId);
        Assert.Equal(saved.Value, answer.PersonalityId);

        var deleted = await store.DeleteAsync(actor, saved.Value);
        Assert.Contains("deactivated", deleted.Value);
        Assert.DoesNotContain(await store.ListAsync(actor), p => p.Id == saved.Value);
    }
}
