using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Data.Tenancy;
using Platform.Tests.Documents;
using Platform.Web.Ai;
using Platform.Web.Features.Api;
using Platform.Web.Features.Api.Keys;
using Platform.Web.Features.Documents;
using Platform.Web.Features.Documents.Ingestion;
using Platform.Web.Features.Workspaces;

namespace Platform.Tests.Api;

/// <summary>A migrated platform with the Documents and API services, and the API served over real HTTP (Kestrel
/// on 127.0.0.1) with the app's own endpoint mapping and authentication scheme.</summary>
public abstract class ApiPlatform(PlatformMode mode) : DocumentsPlatform(mode)
{
    public const long MaxFileBytes = 64 * 1024;

    protected override void AddSettings(IDictionary<string, string?> settings) =>
        settings["Documents:MaxFileBytes"] = MaxFileBytes.ToString();

    protected override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        base.ConfigureServices(services, configuration);
        services.AddSingleton<WorkspacePermissions>();
        services.AddApiFeature(configuration);
    }

    public WorkspaceApiKeys Keys => Services.GetRequiredService<WorkspaceApiKeys>();
    public WorkspaceScope MemberScope(Guid workspaceId, Guid userId) =>
        Services.GetRequiredService<WorkspaceDirectory>().MemberScope(workspaceId, userId);

    /// <summary>A new key made by <paramref name="creator"/> through the service the settings tab uses.</summary>
    public async Task<string> CreateKeyAsync(Guid workspaceId, Guid creator, params string[] scopes)
    {
        var created = await Keys.CreateAsync(MemberScope(workspaceId, creator),
            new ApiKeyInput { Name = "key " + Guid.NewGuid().ToString("N")[..6], Scopes = [.. scopes.Length > 0 ? scopes : ApiScopes.All] });
        Assert.True(created.Ok, created.Error);
        return created.Value!.Key;
    }

    /// <summary>Starts the API on a free port. <paramref name="api"/> sets Api:* options (rate limits …).</summary>
    public async Task<ApiServer> StartAsync(IDictionary<string, string?>? api = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(api ?? new Dictionary<string, string?>());
        var s = Services;
        builder.Services.AddSingleton(s.GetRequiredService<MainDbFactory>());
        builder.Services.AddSingleton(s.GetRequiredService<TenantDbFactory>());
        builder.Services.AddSingleton(s.GetRequiredService<WorkspaceDirectory>());
        builder.Services.AddSingleton(s.GetRequiredService<WorkspacePermissions>());
        builder.Services.AddSingleton(Intake);
        builder.Services.AddSingleton(Queries);
        builder.Services.AddSingleton(Search);
        builder.Services.AddSingleton(s.GetRequiredService<EmbeddingFreshness>());
        builder.Services.AddSingleton(s.GetRequiredService<IAiBudgetGuard>());
        builder.Services.AddScoped<AuthenticationStateProvider, NobodySignedIn>();
        builder.Services.AddScoped<CurrentWorkspace>();
        builder.Services.AddScoped<DocumentLibrary>();
        builder.Services.AddAuthorization();
        builder.Services.AddApiFeature(builder.Configuration);
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapPlatformApi();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ApiServer(app, new Uri(address));
    }

    private sealed class NobodySignedIn : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() =>
            Task.FromResult(new AuthenticationState(new System.Security.Claims.ClaimsPrincipal()));
    }
}

public sealed class ApiServer(WebApplication app, Uri address) : IAsyncDisposable
{
    public Uri Address { get; } = address;

    public HttpClient Client(string? key)
    {
        var client = new HttpClient { BaseAddress = Address };
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public ValueTask DisposeAsync() => app.DisposeAsync();
}

public sealed class LocalApiPlatform() : ApiPlatform(PlatformMode.Local);

public sealed class HostedApiPlatform() : ApiPlatform(PlatformMode.Hosted);

/// <summary>Hosted mode with the Workspaces feature, so a workspace can be moved to its own database (on the tests'
/// second cluster at 127.0.0.1, hence private networks allowed).</summary>
public sealed class OwnDatabaseApiPlatform() : ApiPlatform(PlatformMode.Hosted)
{
    protected override void AddSettings(IDictionary<string, string?> settings)
    {
        base.AddSettings(settings);
        settings["Database:OwnDatabases:AllowPrivateNetworks"] = "true";
    }

    protected override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PlatformAiOptions>().Bind(configuration.GetSection(PlatformAiOptions.Section));
        services.AddWorkspaceFeature();
        base.ConfigureServices(services, configuration);
    }
}
