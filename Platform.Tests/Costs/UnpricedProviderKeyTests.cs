using Platform.Tests.Workspaces;
using Platform.Web.Features.Workspaces;

namespace Platform.Tests.Costs;

/// <summary>A workspace's own OpenAI-compatible endpoint: a chat model the price table doesn't know is refused when
/// the provider is saved, with a message saying what to do (Pricing:Models here prices gpt-test and gpt-4o-mini).</summary>
public class UnpricedProviderKeyTests(WorkspacesLocalPlatform platform) : IClassFixture<WorkspacesLocalPlatform>
{
    [Fact]
    public async Task A_paid_providers_chat_model_without_a_price_is_refused_on_save_with_a_clear_message()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var keys = platform.Get<WorkspaceAiKeys>();

        var refused = await keys.AddAsync(ws, owner, new ProviderKeyInput
            { Name = "Team", BaseUrl = "https://api.example.test/v1", ApiKey = "sk-0123456789abcdef", ChatModel = "gpt-x" });
        Assert.False(refused.Ok);
        Assert.Equal("gpt-x has no price; add it to Pricing:Models or ask your admin.", refused.Error);
        Assert.Empty(await keys.ListAsync(ws, owner));

        var saved = await keys.AddAsync(ws, owner, new ProviderKeyInput
            { Name = "Team", BaseUrl = "https://api.example.test/v1", ApiKey = "sk-0123456789abcdef", ChatModel = "gpt-4o-mini-2024-07-18" });
        Assert.True(saved.Ok, saved.Error);
    }
}
