using System.Text.Json;

namespace Platform.Web.Features.Api;

/// <summary>Reads a JSON request body with a size limit, answering problems (413 / 400) instead of throwing: the
/// limit is checked on the declared length and again while reading (a client may not declare one).</summary>
public static class ApiBody
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<(T? Value, byte[] Raw, IResult? Problem)> ReadJsonAsync<T>(HttpRequest request, long limit, CancellationToken ct)
        where T : class
    {
        if (request.ContentLength > limit) return (null, [], TooLarge(limit));
        if (request.ContentType is not { } type || !type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return (null, [], ApiProblems.Problem(ApiFailure.UnsupportedMediaType, "Send the body as application/json."));
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > limit) return (null, [], TooLarge(limit));
            buffer.Write(chunk, 0, read);
        }
        var raw = buffer.ToArray();
        try
        {
            return JsonSerializer.Deserialize<T>(raw, Json) is { } value
                ? (value, raw, null)
                : (null, raw, ApiProblems.Problem(ApiFailure.Invalid, "The body is empty."));
        }
        catch (JsonException)
        {
            return (null, raw, ApiProblems.Problem(ApiFailure.Invalid, "The body is not valid JSON for this endpoint."));
        }
    }

    public static IResult TooLarge(long limit) =>
        ApiProblems.Problem(ApiFailure.TooLarge, $"The request body is larger than the limit of {limit:N0} bytes.");
}
