using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Platform.Web.Features.Api.Keys;

namespace Platform.Tests.Api;

/// <summary>A key of workspace A never reaches workspace B: not by listing, reading, deleting or searching, nor by a
/// key edited to name B. Run against one shared database (Local) and a separate tenant database (Hosted).</summary>
public abstract class ApiIsolationTests(ApiPlatform platform)
{
    /// <summary>Where workspace A's application data lives (own-database mode moves it to its own database).</summary>
    protected virtual Task PlaceAsync(Guid workspaceId, Guid ownerId) => Task.CompletedTask;

    [Fact]
    public async Task A_key_of_one_workspace_never_reaches_another()
    {
        var (a, ownerA) = await platform.CreateWorkspaceAsync();
        var (b, _) = await platform.CreateWorkspaceAsync();
        await PlaceAsync(a, ownerA);
        await platform.AddTextAsync(a, "A's notes", "Alpha secret: the lighthouse code is 1234.");
        var bDoc = await platform.AddTextAsync(b, "B's notes", "Bravo secret: the lighthouse code is 9876.");
        await platform.Processor.DrainAsync(a, CancellationToken.None);
        await platform.Processor.DrainAsync(b, CancellationToken.None);
        var keyA = await platform.CreateKeyAsync(a, ownerA);
        await using var server = await platform.StartAsync();
        using var client = server.Client(keyA);

        var listed = JsonDocument.Parse(await client.GetStringAsync("/api/v1/documents")).RootElement;
        Assert.Equal("A's notes", listed.GetProperty("items").EnumerateArray().Single().GetProperty("title").GetString());
        await ApiDocumentsTests.AssertProblemAsync(await client.GetAsync($"/api/v1/documents/{bDoc}"), HttpStatusCode.NotFound);
        await ApiDocumentsTests.AssertProblemAsync(await client.DeleteAsync($"/api/v1/documents/{bDoc}"), HttpStatusCode.NotFound);
        var search = await client.PostAsJsonAsync("/api/v1/search", new { query = "lighthouse code", documentIds = new[] { bDoc } });
        Assert.Empty(JsonDocument.Parse(await search.Content.ReadAsStringAsync()).RootElement.GetProperty("passages").EnumerateArray());
        var open = await client.PostAsJsonAsync("/api/v1/search", new { query = "lighthouse code" });
        Assert.DoesNotContain("9876", await open.Content.ReadAsStringAsync());

        // The key's workspace part edited to name B: the hash is looked up in B and matches nothing there.
        var edited = $"{ApiKeySecrets.Marker}{b:N}{keyA[(ApiKeySecrets.Marker.Length + 32)..]}";
        using var forged = server.Client(edited);
        await ApiDocumentsTests.AssertProblemAsync(await forged.GetAsync("/api/v1/documents"), HttpStatusCode.Unauthorized);

        await using var tenant = await platform.Tenants.OpenAsync(b, null);
        Assert.True(await tenant.Documents.AnyAsync(d => d.Id == bDoc));
    }
}

public class LocalApiIsolationTests(LocalApiPlatform platform) : ApiIsolationTests(platform), IClassFixture<LocalApiPlatform>;

public class HostedApiIsolationTests(HostedApiPlatform platform) : ApiIsolationTests(platform), IClassFixture<HostedApiPlatform>;

/// <summary>Own-database mode: workspace A's documents live in its own PostgreSQL database (a second cluster),
/// B's in the platform's tenant database.</summary>
public class OwnDatabaseApiIsolationTests(OwnDatabaseApiPlatform platform, Platform.Tests.Workspaces.SecondPostgresCluster cluster)
    : ApiIsolationTests(platform), IClassFixture<OwnDatabaseApiPlatform>, IClassFixture<Platform.Tests.Workspaces.SecondPostgresCluster>
{
    protected override async Task PlaceAsync(Guid workspaceId, Guid ownerId)
    {
        var placement = platform.Services.GetRequiredService<Platform.Web.Features.Workspaces.WorkspaceDataPlacement>();
        var connected = await placement.ConnectAsync(workspaceId, ownerId, new Platform.Web.Features.Workspaces.OwnDatabaseInput
        {
            Host = "127.0.0.1", Port = cluster.Port, Database = "ws_ready", Username = "ws_owner",
            Password = Platform.Tests.Workspaces.SecondPostgresCluster.OwnerPassword,
        });
        Assert.True(connected.Ok, connected.Error);
    }
}
