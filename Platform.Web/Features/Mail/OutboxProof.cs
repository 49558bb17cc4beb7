using System.Globalization;
using Microsoft.AspNetCore.DataProtection;

namespace Platform.Web.Features.Mail;

/// <summary>
/// Development only: a short-lived, Data-Protection-signed cookie naming the address this browser just registered,
/// so a signed-out visitor can open their own confirmation mail in /dev/outbox. It is set only by a successful
/// registration (never by "forgot password" or "resend confirmation", which anyone can ask for any address) and
/// covers only mail created after it was issued.
/// </summary>
public sealed class OutboxProof(IDataProtectionProvider protection, IHostEnvironment environment, TimeProvider clock)
{
    public const string CookieName = "Platform.OutboxProof";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private ITimeLimitedDataProtector Protector =>
        protection.CreateProtector("Platform.Mail.OutboxProof").ToTimeLimitedDataProtector();

    public sealed record Proof(string Email, DateTimeOffset Since);

    /// <summary>Records in the browser that it registered <paramref name="email"/> (no-op outside Development).</summary>
    public void Grant(HttpContext context, string email)
    {
        if (!environment.IsDevelopment()) return;
        var now = clock.GetUtcNow();
        // A second's slack: the mail row may carry a timestamp taken a moment before this one.
        var payload = email + "\n" + (now - TimeSpan.FromSeconds(1)).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        context.Response.Cookies.Append(CookieName, Protector.Protect(payload, now + Lifetime), new CookieOptions
        {
            HttpOnly = true, Secure = context.Request.IsHttps, SameSite = SameSiteMode.Strict, MaxAge = Lifetime,
            Path = DevOutboxAccess.Route,
        });
    }

    public Proof? Read(HttpContext context)
    {
        if (!context.Request.Cookies.TryGetValue(CookieName, out var value) || string.IsNullOrEmpty(value)) return null;
        try
        {
            var parts = Protector.Unprotect(value).Split('\n');
            return parts.Length == 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
                ? new Proof(parts[0], DateTimeOffset.FromUnixTimeMilliseconds(ms)) : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null; // expired, forged or from an older key ring: no proof
        }
    }
}
