using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Platform.Web.Features.Api.Keys;

/// <summary>
/// The key format and its hash. A key reads <c>plk_&lt;workspace id, 32 hex&gt;_&lt;43 characters, 256 random bits&gt;</c>:
/// the workspace part only says where to look (the RLS-protected key table is read inside that workspace); the hash
/// of the whole key decides, so a key edited to name another workspace matches nothing there.
/// </summary>
public sealed class ApiKeySecrets(IOptions<ApiOptions> options)
{
    public const string Marker = "plk_";
    private const int SecretBytes = 32;
    private const int PrefixSecretChars = 8;

    // The built-in secret keeps the hash keyed when none is configured (see ApiOptions.KeyHashSecret).
    private readonly byte[] _secret = Encoding.UTF8.GetBytes(
        string.IsNullOrEmpty(options.Value.KeyHashSecret) ? "Platform.ApiKeys.v1" : options.Value.KeyHashSecret);

    public (string Key, string Prefix, string Hash) NewKey(Guid workspaceId)
    {
        var secret = Base64UrlEncode(RandomNumberGenerator.GetBytes(SecretBytes));
        var key = $"{Marker}{workspaceId:N}_{secret}";
        return (key, Marker + secret[..PrefixSecretChars], Hash(key));
    }

    public string Hash(string key) => Convert.ToHexStringLower(HMACSHA256.HashData(_secret, Encoding.UTF8.GetBytes(key)));

    /// <summary>The workspace a presented key points at; null when it is not shaped like one of our keys.</summary>
    public static Guid? WorkspaceOf(string key)
    {
        if (!key.StartsWith(Marker, StringComparison.Ordinal) || key.Length != Marker.Length + 32 + 1 + 43 || key[Marker.Length + 32] != '_')
            return null;
        return Guid.TryParseExact(key.AsSpan(Marker.Length, 32), "N", out var id) ? id : null;
    }

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
