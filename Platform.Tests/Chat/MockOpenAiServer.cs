using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Platform.Tests.Chat;

/// <summary>How the mock answers one request.</summary>
public sealed class MockReply
{
    public string[] Tokens { get; init; } = ["Hello", " from", " the", " mock", "."];

    /// <summary>Non-null: answer with this HTTP status and an OpenAI-style error body instead.</summary>
    public int? ErrorStatus { get; init; }
    public string? RetryAfter { get; init; }

    /// <summary>After this many tokens, wait for <see cref="Release"/> (null = never hold).</summary>
    public int? HoldAfter { get; init; }
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Drop the connection after the tokens (no finish, no usage, no [DONE]).</summary>
    public bool CutAfterTokens { get; init; }
    public TimeSpan TokenDelay { get; init; }
    public int PromptTokens { get; init; } = 42;
    public int CompletionTokens { get; init; } = 7;
    public string FinishReason { get; init; } = "stop";
}

/// <summary>
/// A real HTTP server on 127.0.0.1 speaking the OpenAI chat-completions protocol: SSE chunks, usage in the last
/// chunk, [DONE], error statuses with retry-after, held streams and mid-stream cuts. Shared by the tests and the
/// chat benchmark (linked into Platform.Bench).
/// </summary>
public sealed class MockOpenAiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    /// <summary>Chooses the reply for a streaming request (its JSON body given). Default: <see cref="MockReply"/>.</summary>
    public Func<string, MockReply> Streaming { get; set; } = _ => new MockReply();

    /// <summary>Text of a non-streaming answer (titles, suggestions).</summary>
    public Func<string, string> NonStreaming { get; set; } = body =>
        body.Contains("title", StringComparison.OrdinalIgnoreCase) ? "Paid leave days" : "How do I book leave?\nWhat about public holidays?\nCan leave carry over?";

    /// <summary>Runs when a streaming request arrives, before anything is sent back.</summary>
    public Func<string, Task>? OnRequest { get; set; }

    /// <summary>Stopwatch timestamp of the first byte of each streamed answer, with its request body.</summary>
    public Action<string, long>? OnFirstByte { get; set; }

    /// <summary>Stopwatch timestamp after each streamed token was flushed: (request body, token index, timestamp).</summary>
    public Action<string, int, long>? OnToken { get; set; }

    public ConcurrentQueue<string> Bodies { get; } = new();
    public int Requests => Volatile.Read(ref _requests);
    public string BaseUrl { get; private set; } = "";

    private MockOpenAiServer(WebApplication app) => _app = app;

    public static async Task<MockOpenAiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new MockOpenAiServer(app);
        app.MapPost("/v1/chat/completions", server.HandleAsync);
        await app.StartAsync();
        server.BaseUrl = app.Urls.First().Replace("0.0.0.0", "127.0.0.1") + "/v1";
        return server;
    }

    private async Task HandleAsync(HttpContext http)
    {
        Interlocked.Increment(ref _requests);
        var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
        Bodies.Enqueue(body);
        using var json = JsonDocument.Parse(body);
        var stream = json.RootElement.TryGetProperty("stream", out var s) && s.GetBoolean();
        var model = json.RootElement.TryGetProperty("model", out var m) ? m.GetString() : "mock";
        if (!stream)
        {
            await WriteJson(http, new
            {
                id = "chatcmpl-mock", @object = "chat.completion", created = 1_700_000_000, model,
                choices = new[] { new { index = 0, message = new { role = "assistant", content = NonStreaming(body) }, finish_reason = "stop" } },
                usage = new { prompt_tokens = 20, completion_tokens = 8, total_tokens = 28 },
            });
            return;
        }

        if (OnRequest is { } hook) await hook(body);
        var reply = Streaming(body);
        if (reply.ErrorStatus is { } status)
        {
            http.Response.StatusCode = status;
            if (reply.RetryAfter is not null) http.Response.Headers["retry-after"] = reply.RetryAfter;
            await WriteJson(http, new { error = new { message = $"mock error {status}", type = "mock_error", code = status.ToString() } });
            return;
        }

        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        var first = true;
        for (var i = 0; i < reply.Tokens.Length; i++)
        {
            if (reply.HoldAfter == i) await reply.Release.Task.WaitAsync(http.RequestAborted);
            if (reply.TokenDelay > TimeSpan.Zero) await Task.Delay(reply.TokenDelay, http.RequestAborted);
            var delta = i == 0 ? (object)new { role = "assistant", content = reply.Tokens[i] } : new { content = reply.Tokens[i] };
            await Event(http, Chunk(model, new[] { new { index = 0, delta, finish_reason = (string?)null } }));
            OnToken?.Invoke(body, i, Stopwatch.GetTimestamp());
            if (first)
            {
                OnFirstByte?.Invoke(body, Stopwatch.GetTimestamp());
                first = false;
            }
        }
        if (reply.HoldAfter == reply.Tokens.Length) await reply.Release.Task.WaitAsync(http.RequestAborted);
        if (reply.CutAfterTokens)
        {
            http.Abort();
            return;
        }
        await Event(http, Chunk(model, new[] { new { index = 0, delta = new { }, finish_reason = reply.FinishReason } }));
        await Event(http, new
        {
            id = "chatcmpl-mock", @object = "chat.completion.chunk", created = 1_700_000_000, model, choices = Array.Empty<object>(),
            usage = new { prompt_tokens = reply.PromptTokens, completion_tokens = reply.CompletionTokens, total_tokens = reply.PromptTokens + reply.CompletionTokens },
        });
        await http.Response.WriteAsync("data: [DONE]\n\n");
        await http.Response.Body.FlushAsync();
    }

    private static object Chunk<T>(string? model, T choices) =>
        new { id = "chatcmpl-mock", @object = "chat.completion.chunk", created = 1_700_000_000, model, choices };

    private static async Task Event(HttpContext http, object payload)
    {
        await http.Response.WriteAsync("data: " + JsonSerializer.Serialize(payload) + "\n\n", Encoding.UTF8, http.RequestAborted);
        await http.Response.Body.FlushAsync(http.RequestAborted);
    }

    private static async Task WriteJson(HttpContext http, object payload)
    {
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(JsonSerializer.Serialize(payload));
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(cts.Token);
        await _app.DisposeAsync();
    }
}
