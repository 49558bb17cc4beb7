using System.Security.Claims;
using Platform.Web.Features.Chat.Settings;

namespace Platform.Web.Features.Account;

/// <summary>
/// Light or dark for the account pages. They are server-rendered without a circuit, so the app's theme provider
/// (which asks the browser through JS) is not there: the signed-in user's saved choice wins, then the choice made
/// on these pages (a cookie), then the browser's <c>Sec-CH-Prefers-Color-Scheme</c> client hint, then light.
/// </summary>
public static class AccountTheme
{
    public const string Cookie = "platform-theme";
    public const string ClientHint = "Sec-CH-Prefers-Color-Scheme";

    public static async Task<bool> IsDarkAsync(HttpContext http)
    {
        // Ask Chromium-based browsers to send the system preference with the next requests.
        http.Response.Headers["Accept-CH"] = ClientHint;
        http.Response.Headers.Append("Vary", ClientHint);

        if (Guid.TryParse(http.User.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
        {
            var saved = (await http.RequestServices.GetRequiredService<PreferencesStore>().GetAsync(userId, http.RequestAborted)).Theme;
            if (saved is "dark" or "light") return saved == "dark";
        }
        if (http.Request.Cookies[Cookie] is "dark" or "light") return http.Request.Cookies[Cookie] == "dark";
        return string.Equals(http.Request.Headers[ClientHint], "dark", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>GET /Account/Theme?set=dark|light&amp;returnUrl=/Account/…: the toggle on the account pages. Saved for a
    /// signed-in user (so the app follows), in a cookie for everyone; then back to the (local) page.</summary>
    public static async Task<IResult> SetAsync(HttpContext http, string? set, string? returnUrl)
    {
        var theme = set == "dark" ? "dark" : "light";
        http.Response.Cookies.Append(Cookie, theme, new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true, MaxAge = TimeSpan.FromDays(365),
            Secure = http.Request.IsHttps,
        });
        if (Guid.TryParse(http.User.FindFirstValue(ClaimTypes.NameIdentifier), out var userId))
        {
            var store = http.RequestServices.GetRequiredService<PreferencesStore>();
            var prefs = await store.GetAsync(userId, http.RequestAborted);
            prefs.Theme = theme;
            await store.SaveAsync(userId, prefs, http.RequestAborted);
        }
        return Results.LocalRedirect(IsLocal(returnUrl) ? returnUrl! : "/Account/Login");
    }

    private static bool IsLocal(string? url) =>
        url is { Length: > 1 } && url[0] == '/' && url[1] != '/' && url[1] != '\\';
}
