using Microsoft.EntityFrameworkCore;
using Platform.Data.Tenant.Entities;
using Platform.Web.Features.Chat;
using Platform.Web.Features.Chat.Settings;
using Platform.Web.Features.Chat.Threads;
using Platform.Web.Features.Workspaces;

namespace Platform.Tests.Chat;

/// <summary>One way into a workspace (issue #11): the chat re-checks the membership on the way into every call, so a
/// member removed (or a workspace suspended) while the chat is open is refused at once, not when the gate's timer
/// next looks — and the refused question is not saved.</summary>
public class RemovedMemberChatTests(ChatPlatform platform) : IClassFixture<ChatPlatform>
{
    private async Task<(ChatActor Member, Guid ChatId, Guid AnswerId)> AnsweredMemberAsync()
    {
        var owner = await platform.WorkspaceAsync(endpoint: null);
        var member = new ChatActor(owner.WorkspaceId, await platform.AddMemberAsync(owner.WorkspaceId));
        var sent = await platform.Conversation.SendAsync(member, null, "How many days of paid leave do we get?");
        Assert.True(sent.Ok, sent.Error);
        await platform.WaitForAsync(member, sent.Value.AssistantId, m => !MessageStatus.IsLive(m.Status));
        return (member, sent.Value.ChatId, sent.Value.AssistantId);
    }

    private async Task<int> MessageCountAsync(ChatActor actor)
    {
        await using var db = await platform.Tenants.OpenAsync(actor.WorkspaceId);
        return await db.Messages.CountAsync();
    }

    [Fact]
    public async Task A_member_removed_while_their_chat_is_open_is_refused_on_the_very_next_call()
    {
        var (member, chatId, answerId) = await AnsweredMemberAsync();
        var messages = await MessageCountAsync(member);

        await platform.RemoveMemberAsync(member.WorkspaceId, member.UserId);

        var conversation = platform.Conversation;
        var sent = await conversation.SendAsync(member, chatId, "Do public holidays count?");
        Assert.False(sent.Ok);
        Assert.Equal(WorkspaceDirectory.NoLongerMemberMessage, sent.Error);
        Assert.Equal(WorkspaceDirectory.NoLongerMemberMessage, (await conversation.RegenerateAsync(member, answerId)).Error);
        Assert.Equal(WorkspaceDirectory.NoLongerMemberMessage, (await conversation.VoteAsync(member, answerId, 1, null)).Error);
        Assert.Equal(WorkspaceDirectory.NoLongerMemberMessage, (await conversation.SwitchVersionAsync(member, answerId)).Error);
        Assert.Equal(WorkspaceDirectory.NoLongerMemberMessage, (await conversation.StopAsync(member, answerId)).Error);
        Assert.Null(await conversation.LoadAsync(member, chatId)); // their own chat: no longer shown to them
        Assert.Equal(messages, await MessageCountAsync(member));

        // The sidebar and the personalities go through the same door.
        var threads = platform.Get<ChatThreads>();
        Assert.Empty(await threads.ListAsync(member, new ChatListFilter()));
        Assert.Empty(await threads.SearchAsync(member, "leave"));
        Assert.Equal(WorkspaceDirectory.NoLongerMemberMessage, (await threads.RenameAsync(member, chatId, "Mine still")).Error);
        Assert.Empty(await platform.Get<PersonalityStore>().ListAsync(member, includeInactive: true));
    }

    [Fact]
    public async Task In_a_workspace_suspended_while_the_chat_is_open_the_next_question_is_refused()
    {
        var (member, chatId, _) = await AnsweredMemberAsync();
        var messages = await MessageCountAsync(member);

        await platform.SuspendAsync(member.WorkspaceId);

        var sent = await platform.Conversation.SendAsync(member, chatId, "Do public holidays count?");
        Assert.False(sent.Ok);
        Assert.Equal(WorkspaceDirectory.SuspendedMessage, sent.Error);
        Assert.Equal(messages, await MessageCountAsync(member));
    }
}
