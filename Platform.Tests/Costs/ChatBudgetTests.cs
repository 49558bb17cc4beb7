using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Data.Tenant.Entities;
using Platform.Tests.Chat;
using Platform.Tests.Infrastructure;
using Platform.Web.Ai;
using Platform.Web.Ai.Chat;
using Platform.Web.Ai.Pricing;
using Platform.Web.Features.Costs;
using Platform.Web.Features.Costs.Recording;

namespace Platform.Tests.Costs;

/// <summary>The chat with the real Costs feature (guard, recorder, writer) and a model expensive enough that a few
/// answers reach a $1 budget: $10 per million prompt tokens, $100 per million answer tokens. No credit tiers, so
/// only the budget limits.</summary>
public sealed class ChatBudgetPlatform : ChatPlatform
{
    public const string Model = "gpt-pricey";
    public const decimal InputPerMillion = 10m, OutputPerMillion = 100m;

    protected override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        base.ConfigureServices(services, configuration);
        services.AddCostsFeature(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Costs:FlushInterval"] = "00:00:00.050",
            [$"Pricing:Models:{Model}:InputPerMillion"] = InputPerMillion.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [$"Pricing:Models:{Model}:OutputPerMillion"] = OutputPerMillion.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }).Build());
    }

    protected override Task StartBackgroundAsync() => Services.GetRequiredService<CostEventWriter>().StartAsync(CancellationToken.None);
    protected override Task StopBackgroundAsync() => Services.GetRequiredService<CostEventWriter>().StopAsync(CancellationToken.None);
}

/// <summary>Budgets hold under load: reservations are the real maximum cost (the price table of Pricing:Models,
/// the prompt's tokens and the max_tokens actually sent), against a real OpenAI-protocol server that honours the
/// max_tokens it is sent, as providers do.</summary>
public class ChatBudgetTests(ChatBudgetPlatform platform) : IClassFixture<ChatBudgetPlatform>, IAsyncLifetime
{
    private OpenAiProtocolServer _server = null!;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task InitializeAsync()
    {
        _server = await OpenAiProtocolServer.StartAsync();
        // Streamed answers wait at the provider until the test releases them (reservations are then in flight), and
        // would be 3,000 tokens long, cut at the max_tokens the request carried, as a real provider cuts them.
        _server.OnRequest = async r => { if (r.Stream) await _release.Task; };
        _server.ChatStream = r =>
        {
            var length = Math.Min(3000, MaxTokens(r) ?? int.MaxValue);
            return new OpenAiReply
            {
                Tokens = Enumerable.Repeat(" word", length).ToArray(), PromptTokens = 300, CompletionTokens = length,
                FinishReason = length < 3000 ? "length" : "stop",
            };
        };
    }

    public async Task DisposeAsync()
    {
        _release.TrySetResult();
        await _server.DisposeAsync();
    }

    private AiEndpoint Endpoint => new(_server.BaseUrl, "sk-test", ChatBudgetPlatform.Model);

    /// <summary>The output limit a chat request carried (the SDK sends it as max_completion_tokens; older servers
    /// read max_tokens).</summary>
    private static int? MaxTokens(OpenAiRequest r) =>
        (r.Json?["max_completion_tokens"] ?? r.Json?["max_tokens"])?.GetValue<int>();

    [Fact]
    public async Task Twenty_questions_at_once_against_a_one_dollar_budget_spend_at_most_the_budget_plus_one_answer()
    {
        var actor = await platform.WorkspaceAsync(Endpoint);
        await CostsPlatform.SetBudgetAsync(platform.Main, actor.WorkspaceId, monthly: 1.00m);

        var sends = await Task.WhenAll(Enumerable.Range(1, 20).Select(i =>
            platform.Conversation.SendAsync(actor, null, $"Question {i}: how many days of paid leave do we get?")));
        Assert.All(sends, s => Assert.True(s.Ok, s.Error));

        // While the first answers are held at the provider, their maximum cost is reserved in the ledger.
        await ChatPlatform.EventuallyAsync(() => _server.Requests.Count(r => r.Stream) >= 1);
        var ledger = await LedgerAsync(actor.WorkspaceId);
        Assert.True(ledger.ReservedUsd > 0.20m, $"reserved {ledger.ReservedUsd}: each answer may cost 2,048 × $100/M");
        Assert.InRange(_server.Requests.Count(r => r.Stream), 1, 4); // the workspace's concurrency cap
        _release.SetResult();

        var answers = new List<Message>();
        foreach (var s in sends)
            answers.Add(await platform.WaitForAsync(actor, s.Value.AssistantId, m => !MessageStatus.IsLive(m.Status), 120));
        var refused = answers.Where(a => a.ErrorKind == ProviderFailure.Budget).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, a => Assert.Contains("monthly AI budget", a.Error));
        Assert.All(answers.Where(a => a.ErrorKind != ProviderFailure.Budget), a => Assert.Equal(2048, a.OutputTokens));

        await platform.Get<CostRecorder>().FlushAsync(TimeSpan.FromSeconds(30));
        var billed = await BilledAsync(actor.WorkspaceId);
        // One answer's maximum: 2,048 answer tokens and a prompt well under 4,000 tokens at this model's prices.
        var oneCall = (2048 * ChatBudgetPlatform.OutputPerMillion + 4000 * ChatBudgetPlatform.InputPerMillion) / 1_000_000m;
        Assert.True(billed <= 1.00m + oneCall, $"billed ${billed} against a $1.00 budget (one call at most ${oneCall})");
        Assert.True(billed > 0.50m, $"billed ${billed}: the answers that ran were billed");
        // Every reservation was settled: nothing stays held once the answers (and their follow-ups) are done.
        for (var until = DateTime.UtcNow.AddSeconds(30); (await LedgerAsync(actor.WorkspaceId)).ReservedUsd != 0m; await Task.Delay(50))
            Assert.True(DateTime.UtcNow < until, "reservations were never released");
    }

    [Fact]
    public async Task The_request_carries_the_max_tokens_the_reservation_assumed()
    {
        var actor = await platform.WorkspaceAsync(Endpoint);
        await CostsPlatform.SetBudgetAsync(platform.Main, actor.WorkspaceId, monthly: 100m);
        var sent = await platform.Conversation.SendAsync(actor, null, "How many days of paid leave do we get?");
        Assert.True(sent.Ok, sent.Error);

        await ChatPlatform.EventuallyAsync(() => _server.Requests.Any(r => r.Stream));
        var request = _server.Requests.Single(r => r.Stream);
        Assert.Equal(2048, MaxTokens(request)); // Chat:MaxOutputTokens, the default
        // What the ledger holds for this call is exactly the price of the counted prompt plus that many answer tokens.
        var message = await platform.MessageAsync(actor, sent.Value.AssistantId);
        var prices = platform.Get<PriceTable>();
        var expected = prices.MaxCost(ChatProviderFactory.ProviderName(_server.BaseUrl), ChatBudgetPlatform.Model,
            message.InputTokens!.Value, MaxTokens(request)!.Value);
        Assert.True(message.InputTokens > 50, $"the prompt (instructions, passages, question) counted {message.InputTokens} tokens");
        Assert.Equal(expected, (await LedgerAsync(actor.WorkspaceId)).ReservedUsd);

        _release.SetResult();
        var answer = await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Status == MessageStatus.Complete, 60);
        Assert.Equal(2048, answer.OutputTokens);
        Assert.Equal("length", answer.FinishReason);
    }

    [Fact]
    public async Task The_refusal_shows_the_real_spend_not_the_limit()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        await CostsPlatform.SetBudgetAsync(platform.Main, ws, monthly: 1.00m);
        var guard = platform.Get<IAiBudgetGuard>();
        // A call reserved $0.50 and, settled, really cost $3.27 (the billed rollups may still lag behind).
        var first = await guard.ReserveAsync(ws, owner, AiService.Llm, 0.50m);
        Assert.True(first.Allowed);
        await first.SettleAsync(3.27m);

        var refused = await guard.ReserveAsync(ws, owner, AiService.Llm, 0.10m);
        Assert.False(refused.Allowed);
        Assert.Contains("($3.27 of $1.00 used)", refused.Refusal);
    }

    [Fact]
    public async Task A_refusal_caused_by_answers_in_flight_says_what_they_hold()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        await CostsPlatform.SetBudgetAsync(platform.Main, ws, monthly: 1.00m);
        var guard = platform.Get<IAiBudgetGuard>();
        var running = await guard.ReserveAsync(ws, owner, AiService.Llm, 0.20m);
        await running.SettleAsync(0.20m);
        var inFlight = await guard.ReserveAsync(ws, owner, AiService.Llm, 0.90m);
        Assert.True(inFlight.Allowed);

        var refused = await guard.ReserveAsync(ws, owner, AiService.Llm, 0.10m);
        Assert.False(refused.Allowed);
        Assert.Contains("($0.20 of $1.00 used, $0.90 reserved by answers being written)", refused.Refusal);
        await inFlight.SettleAsync(0m);
    }

    private async Task<BudgetLedger> LedgerAsync(Guid ws)
    {
        await using var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(ws));
        return await db.BudgetLedgers.AsNoTracking().SingleAsync(l => l.WorkspaceId == ws && l.Period == BudgetPeriod.Month);
    }

    private async Task<decimal> BilledAsync(Guid ws)
    {
        await using var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(ws));
        return await db.CostEvents.Where(e => e.WorkspaceId == ws).SumAsync(e => e.CostUsd);
    }
}
