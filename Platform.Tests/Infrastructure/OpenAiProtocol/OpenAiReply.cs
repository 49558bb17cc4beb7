namespace Platform.Tests.Infrastructure;

/// <summary>
/// How <see cref="OpenAiProtocolServer"/> answers one request. One type for chat (streamed or not) and embeddings;
/// each endpoint reads the parts that apply to it. Build with the static helpers or an object initializer.
/// </summary>
public sealed class OpenAiReply
{
    public const string DefaultText = "Hello from the mock.";

    /// <summary>Chat: the answer as the stream's content chunks (a non-streamed answer is their concatenation).</summary>
    public string[] Tokens { get; init; } = ["Hello", " from", " the", " mock", "."];

    public string FinishReason { get; init; } = "stop";
    public int PromptTokens { get; init; } = 42;
    public int CompletionTokens { get; init; } = 7;

    /// <summary>Non-null: answer with this HTTP status and an OpenAI-style <c>{"error":{…}}</c> body instead.</summary>
    public int? ErrorStatus { get; init; }
    public string? ErrorMessage { get; init; }
    public string? ErrorCode { get; init; }
    public string? RetryAfter { get; init; }

    /// <summary>Status 200 with a body that is not the protocol (truncated JSON, or a garbage SSE event).</summary>
    public bool Malformed { get; init; }

    /// <summary>Never answer: the request stays open until the client gives up (its timeout) or the server stops.</summary>
    public bool Hang { get; init; }

    /// <summary>Wait this long before answering at all (headers included).</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Streaming: wait this long before each token.</summary>
    public TimeSpan TokenDelay { get; init; }

    /// <summary>Streaming: after this many tokens, wait for <see cref="Release"/> (null = never hold).</summary>
    public int? HoldAfter { get; init; }
    public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Streaming: drop the connection after the tokens (no finish reason, no usage, no [DONE]).</summary>
    public bool CutAfterTokens { get; init; }

    /// <summary>Embeddings: vectors of this width whatever the request asked (a provider ignoring "dimensions").</summary>
    public int? Dimensions { get; init; }

    public string Text => string.Concat(Tokens);

    public static OpenAiReply Answer(params string[] tokens) => new() { Tokens = tokens };

    public static OpenAiReply Error(int status, string? message = null, string? code = null, string? retryAfter = null) =>
        new() { ErrorStatus = status, ErrorMessage = message, ErrorCode = code, RetryAfter = retryAfter };
}
