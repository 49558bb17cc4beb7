using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Platform.Tests.Infrastructure;

/// <summary>The test server itself speaks the protocol on the wire (what the feature tests rely on without seeing).</summary>
public sealed class OpenAiProtocolServerTests : IAsyncLifetime
{
    private OpenAiProtocolServer _server = null!;
    private readonly HttpClient _http = new();

    public async Task InitializeAsync() => _server = await OpenAiProtocolServer.StartAsync();

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private Task<HttpResponseMessage> PostAsync(string path, string json, string? key = "sk-test", CancellationToken ct = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _server.BaseUrl + path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    [Fact]
    public async Task A_stream_is_sse_chunks_ending_in_done_with_usage_only_when_asked_and_the_request_is_recorded()
    {
        _server.ChatStream = _ => OpenAiReply.Answer("Hi", " there");
        var plain = await (await PostAsync("/chat/completions", """{"model":"m","stream":true,"messages":[]}""")).Content.ReadAsStringAsync();
        var events = plain.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.All(events, e => Assert.StartsWith("data: ", e));
        Assert.Equal("data: [DONE]", events[^1]);
        Assert.Contains("\"content\":\"Hi\"", events[0]);
        Assert.Contains("\"finish_reason\":\"stop\"", events[^2]);
        Assert.DoesNotContain("usage", plain);

        var withUsage = await (await PostAsync("/chat/completions",
            """{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[]}""")).Content.ReadAsStringAsync();
        Assert.Contains("\"usage\":{\"prompt_tokens\":42,\"completion_tokens\":7,\"total_tokens\":49}", withUsage);

        var recorded = _server.Requests.First();
        Assert.Equal(("POST", "/v1/chat/completions", "Bearer sk-test", "m", true), (recorded.Method, recorded.Path, recorded.Authorization, recorded.Model, recorded.Stream));
        Assert.True(_server.Requests.Last().IncludeUsage);
    }

    [Fact]
    public async Task Models_are_listed_and_errors_keys_and_malformed_bodies_come_back_as_scripted()
    {
        using (var models = JsonDocument.Parse(await _http.GetStringAsync(_server.BaseUrl + "/models")))
            Assert.Equal(["mock-model", "text-embedding-3-small"], models.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));

        _server.ChatCompletion = _ => OpenAiReply.Error(429, retryAfter: "7");
        var limited = await PostAsync("/chat/completions", """{"model":"m","messages":[]}""");
        Assert.Equal((HttpStatusCode)429, limited.StatusCode);
        Assert.Equal("7", limited.Headers.GetValues("retry-after").Single());
        using (var error = JsonDocument.Parse(await limited.Content.ReadAsStringAsync()))
            Assert.Equal("rate_limit_exceeded", error.RootElement.GetProperty("error").GetProperty("code").GetString());

        _server.ApiKey = "sk-right";
        var refused = await PostAsync("/embeddings", """{"model":"e","input":"x"}""", key: "sk-wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("invalid_api_key", await refused.Content.ReadAsStringAsync());

        _server.Embeddings = _ => new OpenAiReply { Malformed = true };
        var malformed = await PostAsync("/embeddings", """{"model":"e","input":"x"}""", key: "sk-right");
        Assert.Equal(HttpStatusCode.OK, malformed.StatusCode);
        var garbage = await malformed.Content.ReadAsStringAsync();
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(garbage));
    }

    [Fact]
    public async Task Embeddings_honour_dimensions_and_report_usage_and_a_hang_lasts_until_the_client_gives_up()
    {
        var response = await PostAsync("/embeddings", """{"model":"e","input":["abc","de"],"dimensions":16}""");
        using (var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()))
        {
            var data = json.RootElement.GetProperty("data").EnumerateArray().ToList();
            Assert.Equal([16, 16], data.Select(d => d.GetProperty("embedding").GetArrayLength()));
            Assert.Equal(5, json.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        }

        _server.Embeddings = _ => new OpenAiReply { Hang = true };
        using var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => PostAsync("/embeddings", """{"model":"e","input":"x"}""", ct: giveUp.Token));
    }
}
