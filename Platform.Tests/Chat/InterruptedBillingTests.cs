using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Data.Tenant.Entities;
using Platform.Tests.Infrastructure;
using Platform.Web.Ai;
using Platform.Web.Ai.Chat;
using Platform.Web.Ai.Pricing;
using Platform.Web.Features.Chat;
using Platform.Web.Features.Chat.Engine;
using Platform.Web.Features.Costs;
using Platform.Web.Features.Costs.Recording;

namespace Platform.Tests.Chat;

/// <summary>Billing exactly once for what was used: an answer cut by a crash after the provider streamed tokens is
/// billed by the recovery sweep (tokens counted with the tokenizer, as the provider sent no usage), under the answer's
/// own cost event id, so no second sweep, restart or late report from the dying process bills it again.</summary>
public class InterruptedBillingTests(ChatCostsPlatform platform) : IClassFixture<ChatCostsPlatform>, IAsyncLifetime
{
    private OpenAiProtocolServer _server = null!;

    public async Task InitializeAsync() => _server = await OpenAiProtocolServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task An_answer_interrupted_by_a_crash_is_billed_for_the_streamed_tokens_exactly_once()
    {
        var actor = await platform.WorkspaceAsync(new AiEndpoint(_server.BaseUrl, "sk-test", "gpt-4o"));
        const string streamed = "Written before the crash";
        _server.ChatStream = _ => new OpenAiReply { Tokens = ["Written", " before", " the", " crash", " never sent"], HoldAfter = 4 };
        // Instance A streams, flushes, then goes silent for good: from the database's point of view, a killed process.
        await using var doomed = platform.CreateInstance(o => { o.FlushInterval = TimeSpan.FromMilliseconds(50); o.StaleAfter = TimeSpan.FromHours(3); });
        await doomed.GetRequiredService<GenerationWorker>().StartAsync(CancellationToken.None);
        var sent = await doomed.GetRequiredService<ChatConversation>().SendAsync(actor, null, "Will this be billed?");
        Assert.True(sent.Ok, sent.Error);
        var answerId = sent.Value.AssistantId;
        await platform.WaitForAsync(actor, answerId, m => m.Content == streamed);

        // Instance B, the restarted server, recovers it and bills what was streamed.
        await using var survivor = platform.CreateInstance(o => o.StaleAfter = TimeSpan.Zero);
        await survivor.GetRequiredService<CostEventWriter>().StartAsync(CancellationToken.None);
        var recovery = survivor.GetRequiredService<GenerationRecovery>();
        Assert.Equal(1, await recovery.SweepWorkspaceAsync(actor.WorkspaceId));
        await survivor.GetRequiredService<CostRecorder>().FlushAsync(TimeSpan.FromSeconds(30));

        var billed = Assert.Single(await AnswerEventsAsync(actor.WorkspaceId, answerId));
        var message = await platform.MessageAsync(actor, answerId);
        Assert.Equal(MessageStatus.Interrupted, message.Status);
        Assert.Equal(new TokenCounter().Count(streamed), billed.OutputTokens);
        Assert.True(billed.InputTokens > 50, $"the prompt counted before the call: {billed.InputTokens} tokens");
        Assert.Equal(message.InputTokens, billed.InputTokens);
        var price = survivor.GetRequiredService<PriceTable>().Quote(billed.Provider, "gpt-4o", billed.InputTokens, billed.OutputTokens);
        Assert.True(price.Known);
        Assert.True(billed.CostUsd > 0m);
        Assert.Equal(price.CostUsd, billed.CostUsd);
        Assert.Equal(billed.CostUsd, message.CostUsd);
        Assert.False(billed.Success);

        // A second pass finds nothing to do.
        Assert.Equal(0, await recovery.SweepWorkspaceAsync(actor.WorkspaceId));
        // A pass whose commit was lost (the rows still say "streaming") runs again after a restart: billed once still.
        await using (var db = await platform.Tenants.OpenAsync(actor.WorkspaceId, actor.UserId))
        {
            await db.Messages.Where(m => m.Id == answerId).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, MessageStatus.Streaming).SetProperty(m => m.OutputTokens, (long?)null));
            await db.GenerationStreams.Where(g => g.MessageId == answerId).ExecuteUpdateAsync(s => s.SetProperty(g => g.Status, MessageStatus.Streaming));
            await db.CommitAsync();
        }
        await using (var restarted = platform.CreateInstance(o => o.StaleAfter = TimeSpan.Zero))
        {
            var writer = restarted.GetRequiredService<CostEventWriter>();
            await writer.StartAsync(CancellationToken.None);
            Assert.Equal(1, await restarted.GetRequiredService<GenerationRecovery>().SweepWorkspaceAsync(actor.WorkspaceId));
            await writer.StopAsync(CancellationToken.None);
        }
        Assert.Single(await AnswerEventsAsync(actor.WorkspaceId, answerId));

        // The dying process, stopping after all, reports the same answer under the same id: still billed once.
        var doomedWriter = doomed.GetRequiredService<CostEventWriter>();
        await doomedWriter.StartAsync(CancellationToken.None);
        await doomed.GetRequiredService<GenerationWorker>().StopAsync(CancellationToken.None);
        await doomedWriter.StopAsync(CancellationToken.None);
        Assert.Single(await AnswerEventsAsync(actor.WorkspaceId, answerId));
        await survivor.GetRequiredService<CostEventWriter>().StopAsync(CancellationToken.None);
    }

    private async Task<List<CostEvent>> AnswerEventsAsync(Guid ws, Guid messageId)
    {
        await using var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(ws));
        return await db.CostEvents.AsNoTracking().Where(e => e.WorkspaceId == ws && e.MessageId == messageId && e.Operation == "answer").ToListAsync();
    }
}
