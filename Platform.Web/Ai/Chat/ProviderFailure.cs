using System.ClientModel;
using System.Globalization;
using System.Net.Sockets;

namespace Platform.Web.Ai.Chat;

/// <summary>A provider error worded for the user, with its kind (kept on the message and in usage records).</summary>
public sealed record ProviderFailure(string Kind, string Message, int? RetryAfterSeconds = null)
{
    public const string Auth = "auth";
    public const string RateLimit = "rate_limit";
    public const string Server = "server";
    public const string Timeout = "timeout";
    public const string Cut = "cut";
    public const string Unreachable = "unreachable";
    public const string Request = "request";
    public const string Budget = "budget";
    /// <summary>Refused before any call: the model is not in the workspace's catalog, or a paid one has no price.</summary>
    public const string Model = "model";
    public const string Interrupted = "interrupted";
    public const string Internal = "internal";

    /// <summary>Classifies what a model call threw (a user's stop and a shutdown are handled before this).</summary>
    public static ProviderFailure From(Exception e, bool receivedTokens)
    {
        // The SDK wraps transport failures in a status-less ClientResultException: classify the cause.
        while (e is ClientResultException { Status: 0, InnerException: { } inner }) e = inner;
        if (WorkspaceAiHttp.IsRefusal(e)) return new(Request, WorkspaceAiHttp.Refused + " Check the base URL in the workspace's AI settings.");
        switch (e)
        {
            case ClientResultException { Status: 401 or 403 } c:
                return new(Auth, $"The AI provider refused the credentials (HTTP {c.Status}). Check the API key in the workspace's AI settings.");
            case ClientResultException { Status: 429 } c:
                var after = RetryAfter(c);
                return new(RateLimit, after is { } s
                    ? $"The AI provider is rate limiting requests (HTTP 429). Try again in {s} s."
                    : "The AI provider is rate limiting requests (HTTP 429). Try again in a moment.", after);
            case ClientResultException { Status: >= 500 } c:
                return new(Server, $"The AI provider had an internal error (HTTP {c.Status}). Try again.");
            case ClientResultException { Status: 404 } c:
                return new(Request, "The AI provider does not know this model or endpoint (HTTP 404). Check the model name and base URL.");
            case ClientResultException { Status: > 0 } c:
                return new(Request, $"The AI provider rejected the request (HTTP {c.Status}).");
            case TimeoutException or TaskCanceledException or OperationCanceledException:
                return new(Timeout, receivedTokens
                    ? "The AI provider stopped sending the answer (timed out). The partial answer is kept."
                    : "The AI provider did not answer in time.");
            case HttpRequestException { InnerException: SocketException } or HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError }:
                return receivedTokens
                    ? new(Cut, "The connection to the AI provider dropped mid-answer. The partial answer is kept.")
                    : new(Unreachable, "Could not reach the AI provider. Check the base URL in the workspace's AI settings.");
            case HttpIOException or IOException or ClientResultException:
            case HttpRequestException:
                return new(Cut, receivedTokens
                    ? "The answer was cut off: the connection to the AI provider dropped. The partial answer is kept."
                    : "The connection to the AI provider failed before the answer started.");
            default:
                return new(Internal, "The answer failed unexpectedly. Try again.");
        }
    }

    private static int? RetryAfter(ClientResultException e)
    {
        var headers = e.GetRawResponse()?.Headers;
        if (headers is null || !headers.TryGetValue("retry-after", out var value) || value is null) return null;
        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)) return Math.Max(0, seconds);
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? Math.Max(0, (int)Math.Ceiling((at - DateTimeOffset.UtcNow).TotalSeconds))
            : null;
    }
}
