using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.Tests.Infrastructure;

/// <summary>
/// The one test server for AI providers: a real HTTP server (Kestrel) on 127.0.0.1, random free port, speaking the
/// OpenAI wire protocol the app's clients use — POST /v1/chat/completions (SSE <c>data:</c> chunks ending in
/// <c>[DONE]</c>, usage in the last chunk when the client asks for it; or one JSON answer), POST /v1/embeddings
/// (honours <c>dimensions</c>, reports usage) and GET /v1/models. Each test scripts the answers (text, chunks,
/// delays, error statuses with OpenAI error JSON, malformed bodies, hangs, mid-stream disconnects) and asserts on the
/// recorded requests. Self-contained so Platform.E2E (and the chat benchmark) can link these files.
/// </summary>
public sealed class OpenAiProtocolServer : IAsyncDisposable
{
    private const long Created = 1_700_000_000;
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping = new();

    private OpenAiProtocolServer(WebApplication app) => _app = app;

    /// <summary>Base URL with the <c>/v1</c> suffix, as an OpenAI client's endpoint expects it.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>Every request in arrival order (including refused and malformed ones).</summary>
    public ConcurrentQueue<OpenAiRequest> Requests { get; } = new();

    /// <summary>Non-null: only <c>Authorization: Bearer {ApiKey}</c> is accepted; anything else gets 401
    /// <c>invalid_api_key</c>, as OpenAI answers.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Answer to a streamed chat completion (<c>"stream": true</c>): the chat answers.</summary>
    public Func<OpenAiRequest, OpenAiReply> ChatStream { get; set; } = _ => new OpenAiReply();

    /// <summary>Answer to a non-streamed chat completion (the chat's titles and suggestions, key tests).</summary>
    public Func<OpenAiRequest, OpenAiReply> ChatCompletion { get; set; } = DefaultCompletion;

    public Func<OpenAiRequest, OpenAiReply> Embeddings { get; set; } = _ => new OpenAiReply();

    /// <summary>What GET /v1/models lists.</summary>
    public List<string> Models { get; set; } = ["mock-model", "text-embedding-3-small"];

    /// <summary>Runs when any request arrives, after it is recorded and before anything is sent back.</summary>
    public Func<OpenAiRequest, Task>? OnRequest { get; set; }

    /// <summary>Stopwatch timestamp once the first token of a streamed answer was flushed.</summary>
    public Action<OpenAiRequest, long>? OnFirstByte { get; set; }

    /// <summary>Stopwatch timestamp after each streamed token was flushed: (request, token index, timestamp).</summary>
    public Action<OpenAiRequest, int, long>? OnToken { get; set; }

    public IEnumerable<OpenAiRequest> RequestsTo(string path) => Requests.Where(r => r.Path == path);

    /// <summary>Titles get a title, anything else three suggestions, with small fixed usage.</summary>
    public static OpenAiReply DefaultCompletion(OpenAiRequest request) => new()
    {
        Tokens = [request.Body.Contains("title", StringComparison.OrdinalIgnoreCase)
            ? "Paid leave days"
            : "How do I book leave?\nWhat about public holidays?\nCan leave carry over?"],
        PromptTokens = 20, CompletionTokens = 8,
    };

    public static async Task<OpenAiProtocolServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new OpenAiProtocolServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = address.TrimEnd('/') + "/v1";
        return server;
    }

    private async Task HandleAsync(HttpContext http)
    {
        var request = await RecordAsync(http);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, _stopping.Token);
        var ct = linked.Token;
        try
        {
            if (OnRequest is { } hook) await hook(request);
            if (ApiKey is not null && request.Authorization != $"Bearer {ApiKey}")
            {
                await WriteErrorAsync(http, OpenAiReply.Error(401, "Incorrect API key provided.", "invalid_api_key"));
                return;
            }
            switch (request.Method, request.Path)
            {
                case ("POST", "/v1/chat/completions") when request.Stream:
                    await StreamChatAsync(http, request, ChatStream(request), ct);
                    break;
                case ("POST", "/v1/chat/completions"):
                    await CompleteChatAsync(http, request, ChatCompletion(request), ct);
                    break;
                case ("POST", "/v1/embeddings"):
                    await EmbedAsync(http, request, Embeddings(request), ct);
                    break;
                case ("GET", "/v1/models"):
                    await WriteJsonAsync(http, new
                    {
                        @object = "list",
                        data = Models.Select(id => new { id, @object = "model", created = Created, owned_by = "openai-protocol-test" }),
                    });
                    break;
                default:
                    await WriteErrorAsync(http, OpenAiReply.Error(404, $"Unknown request URL: {request.Method} {request.Path}.", "unknown_url"));
                    break;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client gave up (its timeout) or the server is stopping: nothing more to send.
            http.Abort();
        }
    }

    private async Task<OpenAiRequest> RecordAsync(HttpContext http)
    {
        var body = await new StreamReader(http.Request.Body, Encoding.UTF8).ReadToEndAsync();
        var headers = http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var request = new OpenAiRequest(http.Request.Method, http.Request.Path.Value ?? "/", headers, body);
        Requests.Enqueue(request);
        return request;
    }

    /// <summary>Delay, hang, error or malformed: true when the reply was handled before the normal answer.</summary>
    private static async Task<bool> PreambleAsync(HttpContext http, OpenAiReply reply, string malformed, CancellationToken ct)
    {
        if (reply.Delay > TimeSpan.Zero) await Task.Delay(reply.Delay, ct);
        if (reply.Hang) await Task.Delay(Timeout.Infinite, ct);
        if (reply.ErrorStatus is not null)
        {
            await WriteErrorAsync(http, reply);
            return true;
        }
        if (!reply.Malformed) return false;
        http.Response.ContentType = malformed.StartsWith("data:") ? "text/event-stream" : "application/json";
        await http.Response.WriteAsync(malformed, ct);
        return true;
    }

    private async Task StreamChatAsync(HttpContext http, OpenAiRequest request, OpenAiReply reply, CancellationToken ct)
    {
        if (await PreambleAsync(http, reply, "data: {\"id\":\"chatcmpl-mock\",\"choices\":[{\"delta\":\n\n", ct)) return;
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        var model = request.Model ?? "mock";
        for (var i = 0; i < reply.Tokens.Length; i++)
        {
            if (reply.HoldAfter == i) await reply.Release.Task.WaitAsync(ct);
            if (reply.TokenDelay > TimeSpan.Zero) await Task.Delay(reply.TokenDelay, ct);
            var delta = i == 0 ? (object)new { role = "assistant", content = reply.Tokens[i] } : new { content = reply.Tokens[i] };
            await EventAsync(http, Chunk(model, new[] { new { index = 0, delta, finish_reason = (string?)null } }), ct);
            OnToken?.Invoke(request, i, Stopwatch.GetTimestamp());
            if (i == 0) OnFirstByte?.Invoke(request, Stopwatch.GetTimestamp());
        }
        if (reply.HoldAfter == reply.Tokens.Length) await reply.Release.Task.WaitAsync(ct);
        if (reply.CutAfterTokens)
        {
            http.Abort();
            return;
        }
        await EventAsync(http, Chunk(model, new[] { new { index = 0, delta = new { }, finish_reason = reply.FinishReason } }), ct);
        if (request.IncludeUsage)
            await EventAsync(http, new
            {
                id = "chatcmpl-mock", @object = "chat.completion.chunk", created = Created, model, choices = Array.Empty<object>(),
                usage = Usage(reply.PromptTokens, reply.CompletionTokens),
            }, ct);
        await http.Response.WriteAsync("data: [DONE]\n\n", ct);
        await http.Response.Body.FlushAsync(ct);
    }

    private static async Task CompleteChatAsync(HttpContext http, OpenAiRequest request, OpenAiReply reply, CancellationToken ct)
    {
        if (await PreambleAsync(http, reply, "{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion\",\"choices\":[{", ct)) return;
        await WriteJsonAsync(http, new
        {
            id = "chatcmpl-mock", @object = "chat.completion", created = Created, model = request.Model ?? "mock",
            choices = new[] { new { index = 0, message = new { role = "assistant", content = reply.Text }, finish_reason = reply.FinishReason } },
            usage = Usage(reply.PromptTokens, reply.CompletionTokens),
        });
    }

    /// <summary>Deterministic vectors (the same text gives the same vector); usage counts one token per character.</summary>
    private static async Task EmbedAsync(HttpContext http, OpenAiRequest request, OpenAiReply reply, CancellationToken ct)
    {
        if (await PreambleAsync(http, reply, "{\"object\":\"list\",\"data\":[{\"embedding\":[0.1,", ct)) return;
        var inputs = request.Inputs;
        var dims = reply.Dimensions ?? request.Json?["dimensions"]?.GetValue<int>() ?? 1536;
        var tokens = inputs.Sum(t => t.Length);
        await WriteJsonAsync(http, new
        {
            @object = "list",
            data = inputs.Select((text, i) => new
            {
                @object = "embedding", index = i,
                embedding = Enumerable.Range(0, dims).Select(d => (float)Math.Sin(text.Length + d)).ToArray(),
            }),
            model = request.Model,
            usage = new { prompt_tokens = tokens, total_tokens = tokens },
        });
    }

    private static object Usage(int prompt, int completion) =>
        new { prompt_tokens = prompt, completion_tokens = completion, total_tokens = prompt + completion };

    private static object Chunk<T>(string model, T choices) =>
        new { id = "chatcmpl-mock", @object = "chat.completion.chunk", created = Created, model, choices };

    private static async Task EventAsync(HttpContext http, object payload, CancellationToken ct)
    {
        await http.Response.WriteAsync("data: " + JsonSerializer.Serialize(payload) + "\n\n", Encoding.UTF8, ct);
        await http.Response.Body.FlushAsync(ct);
    }

    /// <summary>OpenAI's error shape: <c>{"error":{"message","type","param","code"}}</c>, with retry-after when given.</summary>
    private static async Task WriteErrorAsync(HttpContext http, OpenAiReply reply)
    {
        var status = reply.ErrorStatus!.Value;
        var (type, code, message) = status switch
        {
            401 => ("invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
            404 => ("invalid_request_error", "model_not_found", "The model does not exist or you do not have access to it."),
            429 => ("requests", "rate_limit_exceeded", "Rate limit reached for requests."),
            >= 500 => ("server_error", "server_error", "The server had an error while processing your request."),
            _ => ("invalid_request_error", "invalid_request", "The request is invalid."),
        };
        http.Response.StatusCode = status;
        if (reply.RetryAfter is not null) http.Response.Headers["retry-after"] = reply.RetryAfter;
        await WriteJsonAsync(http, new { error = new { message = reply.ErrorMessage ?? message, type, param = (string?)null, code = reply.ErrorCode ?? code } });
    }

    private static async Task WriteJsonAsync(HttpContext http, object payload)
    {
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(JsonSerializer.Serialize(payload));
    }

    public async ValueTask DisposeAsync()
    {
        // Held, hung and delayed answers end now instead of holding the shutdown up.
        await _stopping.CancelAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
        _stopping.Dispose();
    }
}
