using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.Data.Tenancy;
using Platform.Web.Features.Costs;
using Platform.Web.Features.Workspaces;
using Platform.Web.Features.Costs.Dashboard;

namespace Platform.Tests.Costs;

/// <summary>The CSV export over real HTTP (Kestrel on 127.0.0.1) with the app's endpoint mapping: the
/// "view costs" permission is checked per request, custom roles included.</summary>
public class CsvExportEndpointTests(CostsPlatform platform) : IClassFixture<CostsPlatform>
{
    private const string TestScheme = "test-user";

    /// <summary>Signs the request in as the user named by a header (the app uses Identity cookies; the endpoint
    /// only reads the NameIdentifier claim).</summary>
    private sealed class HeaderAuth(IOptionsMonitor<AuthenticationSchemeOptions> o, ILoggerFactory l, UrlEncoder e)
        : AuthenticationHandler<AuthenticationSchemeOptions>(o, l, e)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
            Task.FromResult(Request.Headers.TryGetValue("X-User", out var id)
                ? AuthenticateResult.Success(new AuthenticationTicket(
                    new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, id.ToString())], TestScheme)), TestScheme))
                : AuthenticateResult.NoResult());
    }

    private async Task<(WebApplication App, HttpClient Client)> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(platform.Get<WorkspaceDirectory>());
        builder.Services.AddSingleton(platform.Get<CostPermissions>());
        builder.Services.AddSingleton(platform.Get<CostQueries>());
        builder.Services.AddSingleton(platform.Get<RawEventCoverage>());
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddAuthentication(TestScheme).AddScheme<AuthenticationSchemeOptions, HeaderAuth>(TestScheme, null);
        builder.Services.AddAuthorization();
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapCostsEndpoints();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new HttpClient { BaseAddress = new Uri(address) });
    }

    [Fact]
    public async Task Export_is_refused_without_view_costs_and_served_to_a_custom_role_that_has_it()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var member = await platform.AddMemberAsync(ws);
        var viewer = await platform.AddMemberAsync(ws, WorkspacePermission.ViewCosts);
        platform.Recorder.Record(CostsPlatform.Usage(ws, owner));
        await platform.FlushAsync();
        string slug;
        await using (var db = platform.Main.Create(DbSession.None))
            slug = await db.Workspaces.Where(w => w.Id == ws).Select(w => w.Slug).SingleAsync();

        var (app, client) = await StartAsync();
        await using var _ = app;
        using var __ = client;
        async Task<HttpResponseMessage> ExportAs(Guid? user)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"/w/{slug}/costs/export.csv");
            if (user is { } id) request.Headers.Add("X-User", id.ToString());
            return await client.SendAsync(request);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await ExportAs(null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ExportAs(Guid.NewGuid())).StatusCode); // not a member: no hint it exists
        var refused = await ExportAs(member);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.DoesNotContain("gpt-4o", await refused.Content.ReadAsStringAsync());

        var served = await ExportAs(viewer);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        var lines = (await served.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains(",gpt-4o,", lines[1]);
    }
}
