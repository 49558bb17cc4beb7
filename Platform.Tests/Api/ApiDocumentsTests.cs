using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Platform.Data.Tenancy;
using Platform.Web.Features.Api;
using Platform.Web.Features.Api.Keys;
using Platform.Web.Features.Workspaces;

namespace Platform.Tests.Api;

/// <summary>The /api/v1 documents and search endpoints over real HTTP with real keys: every endpoint, scopes,
/// problem details, limits and Idempotency-Key.</summary>
public class ApiDocumentsTests(LocalApiPlatform platform) : IClassFixture<LocalApiPlatform>
{
    private static async Task<JsonElement> JsonOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    /// <summary>RFC 9457: application/problem+json with status, title and a user-facing detail.</summary>
    public static async Task<string> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await JsonOf(response);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.DoesNotContain("Exception", detail);
        return detail;
    }

    private static MultipartFormDataContent Upload(string fileName, byte[] bytes, string? category = null, string? tags = null)
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent(bytes), "file", fileName } };
        if (category is not null) form.Add(new StringContent(category), "category");
        if (tags is not null) form.Add(new StringContent(tags), "tags");
        return form;
    }

    [Fact]
    public async Task Documents_are_added_polled_listed_searched_and_deleted_through_the_api()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var key = await platform.CreateKeyAsync(ws, owner);
        await using var server = await platform.StartAsync();
        using var client = server.Client(key);

        var upload = await client.PostAsync("/api/v1/documents", Upload("handbook.md",
            Encoding.UTF8.GetBytes("# Handbook\n\nThe espresso machine is descaled every Friday by the office team."), "policies", "office, coffee"));
        Assert.Equal(HttpStatusCode.Accepted, upload.StatusCode);
        var accepted = await JsonOf(upload);
        var id = accepted.GetProperty("id").GetGuid();
        Assert.Equal("queued", accepted.GetProperty("status").GetString());
        Assert.Equal($"/api/v1/documents/{id}", upload.Headers.Location!.ToString());

        var text = await client.PostAsJsonAsync("/api/v1/documents/text", new { title = "Travel", text = "Trains are booked through the travel desk.", category = "travel" });
        Assert.Equal(HttpStatusCode.Accepted, text.StatusCode);
        var textId = (await JsonOf(text)).GetProperty("id").GetGuid();

        var polled = await JsonOf(await client.GetAsync(accepted.GetProperty("url").GetString()));
        Assert.Equal("queued", polled.GetProperty("status").GetString());
        await platform.Processor.DrainAsync(ws, CancellationToken.None);
        var ready = await JsonOf(await client.GetAsync($"/api/v1/documents/{id}"));
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        Assert.True(ready.GetProperty("chunkCount").GetInt32() >= 1);
        Assert.Equal("policies", ready.GetProperty("category").GetString());
        Assert.Equal(["coffee", "office"], ready.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).Order());

        var all = await JsonOf(await client.GetAsync("/api/v1/documents?pageSize=1"));
        Assert.Equal(2, all.GetProperty("total").GetInt32());
        Assert.Single(all.GetProperty("items").EnumerateArray());
        var byCategory = await JsonOf(await client.GetAsync("/api/v1/documents?category=travel&status=ready"));
        Assert.Equal(textId, byCategory.GetProperty("items").EnumerateArray().Single().GetProperty("id").GetGuid());
        var byTag = await JsonOf(await client.GetAsync("/api/v1/documents?tag=coffee"));
        Assert.Equal(id, byTag.GetProperty("items").EnumerateArray().Single().GetProperty("id").GetGuid());
        await AssertProblemAsync(await client.GetAsync("/api/v1/documents?status=lost"), HttpStatusCode.BadRequest);

        var search = await client.PostAsJsonAsync("/api/v1/search", new { query = "espresso machine descaled", k = 3 });
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);
        var passage = (await JsonOf(search)).GetProperty("passages").EnumerateArray().First();
        Assert.Equal(id, passage.GetProperty("documentId").GetGuid());
        Assert.Equal("Handbook", passage.GetProperty("documentTitle").GetString()); // the title comes from the first heading
        Assert.Equal(0, passage.GetProperty("position").GetInt32());
        Assert.True(passage.GetProperty("score").GetDouble() > 0);
        Assert.Contains("espresso", passage.GetProperty("content").GetString());
        var filtered = await JsonOf(await client.PostAsJsonAsync("/api/v1/search", new { query = "espresso machine descaled", category = "travel" }));
        Assert.DoesNotContain(filtered.GetProperty("passages").EnumerateArray(), p => p.GetProperty("documentId").GetGuid() == id);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/documents/{id}")).StatusCode);
        await AssertProblemAsync(await client.GetAsync($"/api/v1/documents/{id}"), HttpStatusCode.NotFound);
        await AssertProblemAsync(await client.DeleteAsync($"/api/v1/documents/{id}"), HttpStatusCode.NotFound);

        // Re-embedding takes manage_documents: the owner's key has it, nothing is stale, so nothing is queued.
        var reembed = await client.PostAsync("/api/v1/documents/reembed", null);
        Assert.Equal(HttpStatusCode.OK, reembed.StatusCode);
        Assert.Equal(0, (await JsonOf(reembed)).GetProperty("queued").GetInt32());
    }

    [Fact]
    public async Task A_key_without_the_scope_is_refused_and_no_key_or_a_wrong_key_is_unauthenticated()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var reader = await platform.CreateKeyAsync(ws, owner, ApiScopes.DocumentsRead);
        await using var server = await platform.StartAsync();

        using (var client = server.Client(reader))
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/documents")).StatusCode);
            Assert.Contains("documents:write", await AssertProblemAsync(
                await client.PostAsJsonAsync("/api/v1/documents/text", new { title = "x", text = "y" }), HttpStatusCode.Forbidden));
            Assert.Contains("search", await AssertProblemAsync(
                await client.PostAsJsonAsync("/api/v1/search", new { query = "x" }), HttpStatusCode.Forbidden));
        }
        using (var anonymous = server.Client(null))
        {
            var response = await anonymous.GetAsync("/api/v1/documents");
            await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        }
        // Right shape, wrong secret: the workspace part alone opens nothing.
        var forged = reader[..^4] + (reader[^4..] == "AAAA" ? "BBBB" : "AAAA");
        using (var wrong = server.Client(forged))
            await AssertProblemAsync(await wrong.GetAsync("/api/v1/documents"), HttpStatusCode.Unauthorized);
        using (var garbage = server.Client("sk-not-ours"))
            await AssertProblemAsync(await garbage.GetAsync("/api/v1/documents"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Uploads_follow_the_uis_size_limit_and_type_detection_and_json_bodies_are_bounded()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var key = await platform.CreateKeyAsync(ws, owner);
        await using var server = await platform.StartAsync(new Dictionary<string, string?> { ["Api:MaxJsonBodyBytes"] = "2048" });
        using var client = server.Client(key);

        var big = new byte[ApiPlatform.MaxFileBytes + 1];
        Array.Fill(big, (byte)'a');
        Assert.Contains("larger than", await AssertProblemAsync(await client.PostAsync("/api/v1/documents", Upload("big.txt", big)), HttpStatusCode.RequestEntityTooLarge));
        var notPdf = Encoding.UTF8.GetBytes("this is not a pdf at all");
        await AssertProblemAsync(await client.PostAsync("/api/v1/documents", Upload("report.pdf", notPdf)), HttpStatusCode.UnsupportedMediaType);
        await AssertProblemAsync(await client.PostAsync("/api/v1/documents", new StringContent("x")), HttpStatusCode.UnsupportedMediaType);
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/documents/text", new { title = "", text = "y" }), HttpStatusCode.UnprocessableEntity);
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/search", new { query = new string('q', 3000) }), HttpStatusCode.RequestEntityTooLarge);
        await AssertProblemAsync(await client.PostAsync("/api/v1/search", new StringContent("{nope", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);

        await using var db = await platform.Tenants.OpenAsync(ws, null);
        Assert.Equal(0, await db.Documents.CountAsync());
    }

    [Fact]
    public async Task An_idempotency_key_replays_the_first_create_and_refuses_a_different_request()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var key = await platform.CreateKeyAsync(ws, owner);
        await using var server = await platform.StartAsync();
        using var client = server.Client(key);

        async Task<HttpResponseMessage> CreateAsync(string text)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/documents/text") { Content = JsonContent.Create(new { title = "Notes", text }) };
            request.Headers.Add("Idempotency-Key", "create-notes-1");
            return await client.SendAsync(request);
        }

        var first = await CreateAsync("First version of the notes.");
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var again = await CreateAsync("First version of the notes.");
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal((await JsonOf(first)).GetProperty("id").GetGuid(), (await JsonOf(again)).GetProperty("id").GetGuid());
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        await AssertProblemAsync(await CreateAsync("Another text under the same key."), HttpStatusCode.UnprocessableEntity);

        await using var db = await platform.Tenants.OpenAsync(ws, null);
        Assert.Equal(1, await db.Documents.CountAsync());
    }

    [Fact]
    public async Task Rate_limits_per_key_and_per_workspace_answer_429_with_retry_after()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var first = await platform.CreateKeyAsync(ws, owner);
        var second = await platform.CreateKeyAsync(ws, owner);
        var (other, otherOwner) = await platform.CreateWorkspaceAsync();
        var elsewhere = await platform.CreateKeyAsync(other, otherOwner);
        await using var server = await platform.StartAsync(new Dictionary<string, string?>
        {
            ["Api:RequestsPerMinutePerKey"] = "3", ["Api:RequestsPerMinutePerWorkspace"] = "4",
        });
        using var a = server.Client(first);
        using var b = server.Client(second);
        using var c = server.Client(elsewhere);

        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await a.GetAsync("/api/v1/documents")).StatusCode);
        var limited = await a.GetAsync("/api/v1/documents");
        await AssertProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single()) is > 0 and <= 60);

        // The second key has its own allowance, but the workspace's (4) is shared: one more, then 429.
        Assert.Equal(HttpStatusCode.OK, (await b.GetAsync("/api/v1/documents")).StatusCode);
        await AssertProblemAsync(await b.GetAsync("/api/v1/documents"), HttpStatusCode.TooManyRequests);
        // Another workspace is not affected.
        Assert.Equal(HttpStatusCode.OK, (await c.GetAsync("/api/v1/documents")).StatusCode);
    }
}
