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
using Platform.Web.Features.Chat.Settings;

namespace Platform.Tests.Chat;

/// <summary>Model names are never trusted: only the workspace's catalog, checked when saved and again when an answer
/// is generated; a paid provider's model without a price never runs (unless Pricing:DefaultModel prices it).</summary>
public class ModelGuardTests(ChatPlatform platform) : IClassFixture<ChatPlatform>, IAsyncLifetime
{
    private OpenAiProtocolServer _server = null!;

    public async Task InitializeAsync() => _server = await OpenAiProtocolServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private AiEndpoint Endpoint => new(_server.BaseUrl, "sk-test", ChatPlatform.MockModel);

    [Fact]
    public async Task A_model_outside_the_catalog_is_refused_when_a_chat_personality_or_preference_is_saved()
    {
        var actor = await platform.WorkspaceAsync(Endpoint);

        var sent = await platform.Conversation.SendAsync(actor, null, "Hello?", model: "gpt-expensive");
        Assert.False(sent.Ok);
        Assert.Contains("gpt-expensive", sent.Error);
        Assert.Empty(_server.Requests);

        var personality = await platform.Get<PersonalityStore>().SaveAsync(actor,
            new PersonalityInput { Name = "Pricey", SystemPrompt = "Be brief.", Model = "gpt-expensive" });
        Assert.False(personality.Ok);
        Assert.Contains("gpt-expensive", personality.Error);
        Assert.True((await platform.Get<PersonalityStore>().SaveAsync(actor,
            new PersonalityInput { Name = "Fine", SystemPrompt = "Be brief.", Model = ChatPlatform.MockModel })).Ok);

        var preferences = platform.Get<PreferencesStore>();
        var refused = await preferences.SaveAsync(actor, new UserPreferences { UserId = actor.UserId, DefaultModel = "gpt-expensive" });
        Assert.False(refused.Ok);
        Assert.Contains("gpt-expensive", refused.Error);
        Assert.Null((await preferences.GetAsync(actor.UserId)).DefaultModel);
        Assert.True((await preferences.SaveAsync(actor, new UserPreferences { UserId = actor.UserId, DefaultModel = OfflineAssistant.ModelId })).Ok);
    }

    [Fact]
    public async Task A_chat_row_tampered_to_name_another_model_is_refused_at_generation_without_calling_the_provider()
    {
        var actor = await platform.WorkspaceAsync(Endpoint);
        var first = await platform.Conversation.SendAsync(actor, null, "How many days of paid leave?");
        await platform.WaitForAsync(actor, first.Value.AssistantId, m => m.Status == MessageStatus.Complete);
        var calls = _server.Requests.Count(r => r.Stream);

        await using (var db = await platform.Tenants.OpenAsync(actor.WorkspaceId, actor.UserId))
        {
            await db.Chats.Where(c => c.Id == first.Value.ChatId).ExecuteUpdateAsync(s => s.SetProperty(c => c.Model, "gpt-expensive"));
            await db.CommitAsync();
        }
        var again = await platform.Conversation.SendAsync(actor, first.Value.ChatId, "And public holidays?");
        Assert.True(again.Ok, again.Error);
        var refused = await platform.WaitForAsync(actor, again.Value.AssistantId, m => m.Status == MessageStatus.Failed);
        Assert.Equal(ProviderFailure.Model, refused.ErrorKind);
        Assert.Contains("gpt-expensive", refused.Error);
        Assert.Equal(calls, _server.Requests.Count(r => r.Stream));
        Assert.DoesNotContain(_server.Requests, r => r.Model == "gpt-expensive");
        Assert.DoesNotContain(platform.Usage.For(actor.WorkspaceId), u => u.Model == "gpt-expensive");
    }

    [Fact]
    public async Task A_tampered_personality_model_is_refused_and_a_preference_for_another_workspaces_model_is_skipped()
    {
        var actor = await platform.WorkspaceAsync(Endpoint);
        var saved = await platform.Get<PersonalityStore>().SaveAsync(actor,
            new PersonalityInput { Name = "Default", SystemPrompt = "Be brief.", IsDefault = true });
        Assert.True(saved.Ok, saved.Error);
        await using (var db = await platform.Tenants.OpenAsync(actor.WorkspaceId, actor.UserId))
        {
            await db.AiPersonalities.Where(p => p.Id == saved.Value).ExecuteUpdateAsync(s => s.SetProperty(p => p.Model, "gpt-expensive"));
            await db.CommitAsync();
        }
        var sent = await platform.Conversation.SendAsync(actor, null, "Hello?");
        var refused = await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Status == MessageStatus.Failed);
        Assert.Equal(ProviderFailure.Model, refused.ErrorKind);
        Assert.Empty(_server.Requests);

        // Preferences span workspaces: a model this workspace doesn't offer is not used (nor refused) here.
        var other = await platform.WorkspaceAsync(Endpoint);
        await using (var main = await platform.Main.OpenAsync(DbSession.ForUser(other.UserId)))
        {
            main.UserPreferences.Add(new UserPreferences { UserId = other.UserId, DefaultModel = "gpt-expensive" });
            await main.SaveChangesAsync();
            await main.Database.CommitTransactionAsync();
        }
        var answered = await platform.Conversation.SendAsync(other, null, "Hello?");
        var answer = await platform.WaitForAsync(other, answered.Value.AssistantId, m => m.Status == MessageStatus.Complete);
        Assert.Equal(ChatPlatform.MockModel, answer.Model);
        Assert.DoesNotContain(_server.Requests, r => r.Model == "gpt-expensive");
    }

    [Fact]
    public async Task A_paid_providers_model_without_a_price_is_refused_unless_a_default_price_is_configured()
    {
        var actor = await platform.WorkspaceAsync(new AiEndpoint(_server.BaseUrl, "sk-test", "gpt-x"));
        var sent = await platform.Conversation.SendAsync(actor, null, "How many days of paid leave?");
        var refused = await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Status == MessageStatus.Failed);
        Assert.Equal(ProviderFailure.Model, refused.ErrorKind);
        Assert.Equal("gpt-x has no price; add it to Pricing:Models or ask your admin.", refused.Error);
        Assert.Empty(_server.Requests);
        Assert.Empty(platform.Usage.For(actor.WorkspaceId));

        // The same workspace on an instance with Pricing:DefaultModel: answered, and priced by that default.
        await using var priced = platform.CreateInstance(_ => { }, services => services.Configure<PricingOptions>(o =>
            o.DefaultModel = new ModelPrice { InputPerMillion = 1m, OutputPerMillion = 2m }));
        var worker = priced.GetRequiredService<GenerationWorker>();
        await worker.StartAsync(CancellationToken.None);
        var retry = await priced.GetRequiredService<ChatConversation>().RegenerateAsync(actor, sent.Value.AssistantId);
        Assert.True(retry.Ok, retry.Error);
        var answer = await platform.WaitForAsync(actor, retry.Value.AssistantId, m => m.Status == MessageStatus.Complete);
        Assert.Equal("gpt-x", answer.Model);
        Assert.Equal((42 * 1m + 7 * 2m) / 1_000_000m, answer.CostUsd); // the server's usage: 42 in, 7 out
        await worker.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_provider_listed_as_free_by_host_runs_an_unlisted_model_at_no_cost()
    {
        var actor = await platform.WorkspaceAsync(new AiEndpoint(_server.BaseUrl, null, "llama3.1"));
        await using var local = platform.CreateInstance(_ => { }, services => services.Configure<PricingOptions>(o =>
            o.FreeProviders = ["offline", "127.0.0.1"]));
        var worker = local.GetRequiredService<GenerationWorker>();
        await worker.StartAsync(CancellationToken.None);
        var sent = await local.GetRequiredService<ChatConversation>().SendAsync(actor, null, "Hello?");
        var answer = await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Status == MessageStatus.Complete);
        Assert.Equal(0m, answer.CostUsd);
        await worker.StopAsync(CancellationToken.None);
    }
}

public class PaidProviderTests
{
    private static PriceTable Table(ModelPrice? fallback = null) => new(Microsoft.Extensions.Options.Options.Create(new PricingOptions
    {
        Models = new(StringComparer.OrdinalIgnoreCase) { ["gpt-4o"] = new() { InputPerMillion = 2.50m, OutputPerMillion = 10.00m } },
        FreeProviders = ["offline", "ollama", "lmstudio"],
        DefaultModel = fallback,
    }));

    [Theory]
    [InlineData("offline", true)]
    [InlineData("ollama:11434", true)]      // http://ollama:11434 (a compose service)
    [InlineData("lmstudio", true)]
    [InlineData("api.openai.com", false)]
    [InlineData("localhost:11434", false)]  // listed only when named: "localhost:11434" or "localhost"
    [InlineData("ollama.evil.test", false)]
    public void A_provider_is_free_only_when_listed_by_name_or_host(string provider, bool free) =>
        Assert.Equal(free, Table().IsFree(provider));

    [Fact]
    public void An_unlisted_model_of_a_paid_provider_cannot_be_billed_unless_a_default_price_is_configured()
    {
        Assert.False(Table().CanBill("api.openai.com", "gpt-x"));
        Assert.True(Table().CanBill("api.openai.com", "gpt-4o"));
        Assert.True(Table().CanBill("ollama:11434", "gpt-x"));
        var priced = Table(new ModelPrice { InputPerMillion = 1m, OutputPerMillion = 4m });
        Assert.True(priced.CanBill("api.openai.com", "gpt-x"));
        Assert.Equal(new PriceQuote(0.005m, true), priced.Quote("api.openai.com", "gpt-x", 1000, 1000));
        Assert.Equal(0.0225m, priced.Quote("api.openai.com", "gpt-4o", 1000, 2000).CostUsd); // a listed price wins
    }
}
