namespace Platform.Web.Features.Api.Keys;

/// <summary>The "Api" section of appsettings.json.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>Server secret of the keyed hash (HMAC-SHA256) API keys are stored as; every instance needs the same
    /// value. Empty: a fixed built-in value, which is still safe because keys carry 256 random bits (the secret adds a
    /// second lock for a stolen database dump; set it in production).</summary>
    public string KeyHashSecret { get; set; } = "";

    /// <summary>Requests per minute one API key may make.</summary>
    public int RequestsPerMinutePerKey { get; set; } = 300;

    /// <summary>Requests per minute all keys of one workspace may make together.</summary>
    public int RequestsPerMinutePerWorkspace { get; set; } = 600;

    /// <summary>Largest request body for JSON endpoints (uploads use Documents:MaxFileBytes plus form overhead).</summary>
    public long MaxJsonBodyBytes { get; set; } = 1_048_576;

    /// <summary>How long a stored Idempotency-Key response is replayed.</summary>
    public TimeSpan IdempotencyKeptFor { get; set; } = TimeSpan.FromHours(24);
}
