using Platform.Web.Features.Documents.Ingestion;
using Platform.Web.Features.Workspaces;

namespace Platform.Web.Features.Api;

/// <summary>The kinds of expected failure an API call can end in; <see cref="ApiProblems"/> maps each to one
/// status code.</summary>
public enum ApiFailure
{
    Invalid, Unauthenticated, Forbidden, NotFound, Conflict, TooLarge, UnsupportedMediaType, Unprocessable,
    RateLimited, QuotaExceeded, Unavailable,
}

/// <summary>
/// Every API error answers in one shape, RFC 9457 problem details, and this is the one place that decides the
/// status code. Services return <see cref="Result"/> (ADR-001); <see cref="From(Failure)"/> turns its failure into a
/// problem. Details are the services'
/// user-facing messages, never exception text.
/// </summary>
public static class ApiProblems
{
    public static int StatusOf(ApiFailure failure) => failure switch
    {
        ApiFailure.Invalid => StatusCodes.Status400BadRequest,
        ApiFailure.Unauthenticated => StatusCodes.Status401Unauthorized,
        ApiFailure.Forbidden => StatusCodes.Status403Forbidden,
        ApiFailure.NotFound => StatusCodes.Status404NotFound,
        ApiFailure.Conflict => StatusCodes.Status409Conflict,
        ApiFailure.TooLarge => StatusCodes.Status413PayloadTooLarge,
        ApiFailure.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        ApiFailure.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        ApiFailure.RateLimited or ApiFailure.QuotaExceeded => StatusCodes.Status429TooManyRequests,
        ApiFailure.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status400BadRequest,
    };

    private static string TitleOf(ApiFailure failure) => failure switch
    {
        ApiFailure.Invalid => "The request is invalid.",
        ApiFailure.Unauthenticated => "A valid API key is required.",
        ApiFailure.Forbidden => "Not allowed.",
        ApiFailure.NotFound => "Not found.",
        ApiFailure.Conflict => "Conflict.",
        ApiFailure.TooLarge => "The request is too large.",
        ApiFailure.UnsupportedMediaType => "Unsupported content.",
        ApiFailure.Unprocessable => "The content could not be accepted.",
        ApiFailure.RateLimited => "Too many requests.",
        ApiFailure.QuotaExceeded => "Quota exhausted.",
        ApiFailure.Unavailable => "Temporarily unavailable.",
        _ => "Error.",
    };

    public static IResult Problem(ApiFailure failure, string detail) =>
        Results.Problem(detail: detail, statusCode: StatusOf(failure), title: TitleOf(failure),
            type: $"https://platform.local/problems/{failure.ToString().ToLowerInvariant()}");

    /// <summary>For code outside an endpoint (authentication, rate limiting).</summary>
    public static Task Write(HttpContext http, ApiFailure failure, string detail) => Problem(failure, detail).ExecuteAsync(http);

    /// <summary>A service's expected failure (ADR-001): its kind decides the status, its message is the detail.
    /// A refusal from <see cref="WorkspaceScope.RecheckAsync"/> (revoked, expired, creator left or lost a permission,
    /// workspace suspended) is <see cref="FailureKind.Forbidden"/>: the key may not act.</summary>
    public static IResult From(Failure failure) => Problem(failure.Kind switch
    {
        FailureKind.NotFound => ApiFailure.NotFound,
        FailureKind.Forbidden => ApiFailure.Forbidden,
        FailureKind.Conflict => ApiFailure.Conflict,
        FailureKind.LimitReached => ApiFailure.QuotaExceeded,
        FailureKind.Unavailable => ApiFailure.Unavailable,
        _ => ApiFailure.Invalid,
    }, failure.Message);

    /// <summary>No content when it worked, else the failure's problem.</summary>
    public static IResult From(Result result) => result.Failure is { } failure ? From(failure) : Results.NoContent();

    /// <summary>A rejected upload or text: too large → 413, a type we can't read → 415, anything else (empty text,
    /// no title) → 422. (The key's scope was re-checked before the endpoint ran, see <see cref="ApiCallFilter"/>.)</summary>
    public static IResult FromRejectedIntake(IntakeResult result) => result.Rejection switch
        {
            IntakeRejection.TooLarge => Problem(ApiFailure.TooLarge, result.Message),
            IntakeRejection.UnsupportedType => Problem(ApiFailure.UnsupportedMediaType, result.Message),
            _ => Problem(ApiFailure.Unprocessable, result.Message),
        };
}
