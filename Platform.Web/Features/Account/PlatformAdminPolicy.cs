using Microsoft.Extensions.Options;
using Platform.Web.Hosting;

namespace Platform.Web.Features.Account;

/// <summary>Who becomes a platform admin on registration: anyone whose email is listed in Platform:AdminEmails.
/// Not "the first person to register": on a freshly deployed public instance that is whoever is quickest, so an
/// install without an admin prints a one-time setup link to its log instead (<see cref="AdminSetup"/>).</summary>
public sealed class PlatformAdminPolicy(IOptions<PlatformOptions> options)
{
    public bool ShouldBeAdmin(string email) =>
        options.Value.AdminEmails.Any(a => string.Equals(a.Trim(), email.Trim(), StringComparison.OrdinalIgnoreCase) && a.Trim() != "");
}
