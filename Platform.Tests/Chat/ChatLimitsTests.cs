using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.Data.Tenant.Entities;
using Platform.Tests.Costs;
using Platform.Tests.Infrastructure;
using Platform.Web.Ai;
using Platform.Web.Ai.Chat;
using Platform.Web.Features.Chat;
using Platform.Web.Features.Costs;
using Platform.Web.Features.Costs.Budgets;
using Platform.Web.Features.Costs.Recording;

namespace Platform.Tests.Chat;

/// <summary>The chat with the real Costs feature behind it (credits, budgets, recorder and cost writer) instead of
/// the chat fixture's recording double; tiers and prices as in <see cref="CostsPlatform.Settings"/> (free = 3 messages a day).</summary>
public sealed class ChatCostsPlatform : ChatPlatform
{
    protected override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        base.ConfigureServices(services, configuration);
        // Registered last, so the Costs area's recorder and guard replace the chat fixture's double and the defaults.
        services.AddCostsFeature(new ConfigurationBuilder().AddInMemoryCollection(CostsPlatform.Settings).Build());
    }

    protected override Task StartBackgroundAsync() => Services.GetRequiredService<CostEventWriter>().StartAsync(CancellationToken.None);
    protected override Task StopBackgroundAsync() => Services.GetRequiredService<CostEventWriter>().StopAsync(CancellationToken.None);
}

/// <summary>Credits and budgets bind where users feel them: in the chat. A refused question never reaches the
/// provider, and nothing the user typed is half-saved (the chat page puts a refused text back in the composer).</summary>
public class ChatLimitsTests(ChatCostsPlatform platform) : IClassFixture<ChatCostsPlatform>, IAsyncLifetime
{
    private OpenAiProtocolServer _server = null!;

    public async Task InitializeAsync() => _server = await OpenAiProtocolServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private AiEndpoint Endpoint => new(_server.BaseUrl, "sk-test", "gpt-4o");

    private async Task<Guid> AnsweredAsync(ChatActor actor, Guid? chatId, string question)
    {
        var sent = await platform.Conversation.SendAsync(actor, chatId, question);
        Assert.True(sent.Ok, sent.Error);
        await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Status == MessageStatus.Complete);
        return sent.Value.ChatId;
    }

    private async Task<List<Message>> MessagesAsync(ChatActor actor)
    {
        await using var db = await platform.Tenants.OpenAsync(actor.WorkspaceId, actor.UserId);
        return await db.Messages.AsNoTracking().ToListAsync();
    }

    private async Task<int> ChatCountAsync(ChatActor actor)
    {
        await using var db = await platform.Tenants.OpenAsync(actor.WorkspaceId, actor.UserId);
        return await db.Chats.CountAsync();
    }

    [Fact]
    public async Task With_the_message_credits_used_up_a_question_is_refused_before_anything_is_saved_or_sent()
    {
        var actor = await platform.WorkspaceAsync(Endpoint); // free tier: 3 message credits a day
        // One credit per question, not per model call (each answer also asks for a title or suggestions).
        var chatId = await AnsweredAsync(actor, null, "How many days of paid leave do we get?");
        Assert.Equal(1, (await platform.Get<CreditLimiter>().StatusAsync(actor.WorkspaceId, actor.UserId)).MessagesUsed);
        await AnsweredAsync(actor, chatId, "Do public holidays count?");
        await AnsweredAsync(actor, chatId, "How early must I book?");
        var chatsBefore = await ChatCountAsync(actor);

        const string refusedText = "Can unused leave carry over to next year? (typed after the credits ran out)";
        var refused = await platform.Conversation.SendAsync(actor, chatId, refusedText);
        Assert.False(refused.Ok);
        Assert.Matches(@"used all 3 message credits of the Free tier\. They reset in \d+ (h|min)\.", refused.Error);
        // A new chat is refused the same way, and leaves no empty chat behind.
        var refusedNew = await platform.Conversation.SendAsync(actor, null, refusedText);
        Assert.False(refusedNew.Ok);
        Assert.Equal(refused.Error, refusedNew.Error);

        // The provider never heard of it: three answers streamed, none of them (nor a follow-up) carries the text.
        Assert.Equal(3, _server.Requests.Count(r => r.Stream));
        Assert.DoesNotContain(_server.Requests, r => r.Body.Contains("carry over to next year"));
        // Nothing half-saved: no stray question, no answer waiting, the chat usable as it was.
        var messages = await MessagesAsync(actor);
        Assert.Equal(6, messages.Count);
        Assert.DoesNotContain(messages, m => m.Content.Contains("carry over to next year"));
        Assert.All(messages, m => Assert.Equal(MessageStatus.Complete, m.Status));
        Assert.Equal(chatsBefore, await ChatCountAsync(actor));
        var view = (await platform.Conversation.LoadAsync(actor, chatId))!;
        Assert.DoesNotContain(view.Messages, m => m.IsLive);
        // A refusal costs no credit.
        Assert.Equal(3, (await platform.Get<CreditLimiter>().StatusAsync(actor.WorkspaceId, actor.UserId)).MessagesUsed);
    }

    private async Task<int> MessageCreditsUsedAsync(ChatActor actor) =>
        (await platform.Get<CreditLimiter>().StatusAsync(actor.WorkspaceId, actor.UserId)).MessagesUsed;

    [Fact]
    public async Task A_refused_question_costs_no_message_credit()
    {
        var actor = await platform.WorkspaceAsync(Endpoint);
        var sent = await platform.Conversation.SendAsync(actor, null, "How many days of paid leave do we get?");
        Assert.True(sent.Ok, sent.Error);
        await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Status == MessageStatus.Complete);
        Assert.Equal(1, await MessageCreditsUsedAsync(actor));

        // Each of these is refused after the chat was found: the credit must not be spent on them (it was, for a
        // file that had left the knowledge base, before the charge moved behind every check).
        var goneFile = await platform.Conversation.SendAsync(actor, sent.Value.ChatId, "Summarise the attached file.",
            attachments: [new ChatAttachment(Guid.NewGuid(), "gone.pdf")]);
        Assert.False(goneFile.Ok);
        Assert.Contains("no longer in the knowledge base", goneFile.Error);
        var madeUpModel = await platform.Conversation.SendAsync(actor, sent.Value.ChatId, "Answer with another model.", model: "made-up-model");
        Assert.False(madeUpModel.Ok);
        var notYours = await platform.Conversation.SendAsync(actor, Guid.NewGuid(), "A chat that does not exist.");
        Assert.False(notYours.Ok);

        Assert.Equal(1, await MessageCreditsUsedAsync(actor));
    }

    [Fact]
    public async Task A_refunded_credit_is_given_back_to_the_user()
    {
        var actor = await platform.WorkspaceAsync(Endpoint);
        var guard = platform.Get<IAiBudgetGuard>();
        Assert.True((await guard.ConsumeCreditAsync(actor.WorkspaceId, actor.UserId, CreditKind.Message)).Allowed);
        Assert.True((await guard.ConsumeCreditAsync(actor.WorkspaceId, actor.UserId, CreditKind.Message)).Allowed);
        Assert.Equal(2, await MessageCreditsUsedAsync(actor));

        await guard.RefundCreditAsync(actor.WorkspaceId, actor.UserId, CreditKind.Message);

        Assert.Equal(1, await MessageCreditsUsedAsync(actor));
    }

    [Fact]
    public async Task Editing_a_question_is_a_question_and_is_refused_too_once_the_credits_are_used_up()
    {
        var actor = await platform.WorkspaceAsync(Endpoint);
        var sent = await platform.Conversation.SendAsync(actor, null, "How many days of paid leave do we get?");
        Assert.True(sent.Ok, sent.Error);
        await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Status == MessageStatus.Complete);
        for (var i = 0; i < 2; i++)
            Assert.True((await platform.Get<IAiBudgetGuard>().ConsumeCreditAsync(actor.WorkspaceId, actor.UserId, CreditKind.Message)).Allowed);
        var question = (await platform.Conversation.LoadAsync(actor, sent.Value.ChatId))!.Messages[0];

        var edited = await platform.Conversation.EditAsync(actor, question.Id, "Something else entirely: what is the travel policy?");
        Assert.False(edited.Ok);
        Assert.Contains("used all 3 message credits", edited.Error);
        Assert.Single(_server.Requests, r => r.Stream);
        Assert.DoesNotContain(await MessagesAsync(actor), m => m.Content.Contains("travel policy"));
    }

    [Fact]
    public async Task Regenerating_an_answer_costs_a_credit_but_retrying_a_failed_one_does_not()
    {
        var actor = await platform.WorkspaceAsync(Endpoint);
        var sent = await platform.Conversation.SendAsync(actor, null, "How many days of paid leave do we get?");
        Assert.True(sent.Ok, sent.Error);
        await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Status == MessageStatus.Complete);

        var again = await platform.Conversation.RegenerateAsync(actor, sent.Value.AssistantId);
        Assert.True(again.Ok, again.Error);
        await platform.WaitForAsync(actor, again.Value.AssistantId, m => m.Status == MessageStatus.Complete);
        Assert.Equal(2, (await platform.Get<CreditLimiter>().StatusAsync(actor.WorkspaceId, actor.UserId)).MessagesUsed);

        // The third credit goes to an answer the provider fails; its retry is free, so it still works after that.
        _server.ChatStream = _ => new OpenAiReply { ErrorStatus = 500, ErrorMessage = "upstream exploded" };
        var failing = await platform.Conversation.SendAsync(actor, sent.Value.ChatId, "Do public holidays count?");
        Assert.True(failing.Ok, failing.Error);
        await platform.WaitForAsync(actor, failing.Value.AssistantId, m => m.Status == MessageStatus.Failed);
        _server.ChatStream = _ => new OpenAiReply();
        var retry = await platform.Conversation.RegenerateAsync(actor, failing.Value.AssistantId);
        Assert.True(retry.Ok, retry.Error);
        await platform.WaitForAsync(actor, retry.Value.AssistantId, m => m.Status == MessageStatus.Complete);
        Assert.Equal(3, (await platform.Get<CreditLimiter>().StatusAsync(actor.WorkspaceId, actor.UserId)).MessagesUsed);

        // Credits used up: another answer to an answered question is refused before the provider hears of it.
        var requests = _server.Requests.Count(r => r.Stream);
        var refused = await platform.Conversation.RegenerateAsync(actor, retry.Value.AssistantId);
        Assert.False(refused.Ok);
        Assert.Contains("used all 3 message credits", refused.Error);
        Assert.Equal(requests, _server.Requests.Count(r => r.Stream));
    }

    [Fact]
    public async Task Over_budget_the_question_is_kept_and_answered_by_a_clear_refusal_without_calling_the_provider()
    {
        var actor = await platform.WorkspaceAsync(Endpoint);
        await CostsPlatform.SetBudgetAsync(platform.Main, actor.WorkspaceId, monthly: 0.01m);
        var recorder = platform.Get<CostRecorder>();
        recorder.Record(CostsPlatform.Usage(actor.WorkspaceId, actor.UserId, "gpt-4o", 10_000, 1_000)); // $0.035 spent already
        await recorder.FlushAsync(TimeSpan.FromSeconds(30));

        const string text = "How many days of paid leave do we get?";
        var sent = await platform.Conversation.SendAsync(actor, null, text);
        Assert.True(sent.Ok, sent.Error); // the question is taken and kept: the refusal is its answer
        var refused = await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Status == MessageStatus.Failed);
        Assert.Equal(ProviderFailure.Budget, refused.ErrorKind);
        Assert.Contains("monthly AI budget", refused.Error);
        Assert.Contains("$0.04 of $0.01", refused.Error);
        Assert.Equal("", refused.Content);
        Assert.Equal(text, (await platform.MessageAsync(actor, refused.ParentId!.Value)).Content);
        Assert.Empty(_server.Requests);

        // Once the budget is raised, "retry" answers the same question through the provider.
        await CostsPlatform.SetBudgetAsync(platform.Main, actor.WorkspaceId, monthly: 100m);
        var retry = await platform.Conversation.RegenerateAsync(actor, sent.Value.AssistantId);
        Assert.True(retry.Ok, retry.Error);
        var answer = await platform.WaitForAsync(actor, retry.Value.AssistantId, m => m.Status == MessageStatus.Complete);
        Assert.Equal(OpenAiReply.DefaultText, answer.Content);
        Assert.Contains(text, Assert.Single(_server.Requests, r => r.Stream).Body);
    }
}
