using System.Net;

namespace Platform.Web.Features.Account;

/// <summary>
/// Whether a browser can use passkeys on the address this page was opened with. WebAuthn ties a passkey to a
/// domain name (the relying party id) and needs a secure origin: an IP address such as 127.0.0.1 is never a valid
/// relying party id, and plain http only counts as secure on localhost. The template offered passkeys everywhere
/// and the browser answered with a SecurityError in the console (and a passkey button that could not work);
/// where they cannot work, the account pages now leave them out and say why on the Passkeys page.
/// </summary>
public static class PasskeyAvailability
{
    public static bool IsAvailable(HttpRequest request)
    {
        var host = request.Host.Host;
        if (string.IsNullOrEmpty(host) || IPAddress.TryParse(host.Trim('[', ']'), out _)) return false;
        return request.IsHttps || host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
               || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase);
    }

    public const string Explanation =
        "Passkeys work when Platform is opened by its domain name over https (or at http://localhost). " +
        "This page was opened by an IP address or over plain http, where browsers refuse them.";
}
