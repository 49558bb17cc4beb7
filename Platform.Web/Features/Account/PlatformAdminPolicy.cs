using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Platform.Data.Main;
using Platform.Web.Hosting;

namespace Platform.Web.Features.Account;

/// <summary>Who becomes a platform admin on registration: the first person to register on an install without
/// users, or anyone whose email is listed in Platform:AdminEmails.</summary>
public sealed class PlatformAdminPolicy(MainDbContext db, IOptions<PlatformOptions> options)
{
    public async Task<bool> ShouldBeAdminAsync(string email) =>
        options.Value.AdminEmails.Contains(email, StringComparer.OrdinalIgnoreCase) || !await db.Users.AnyAsync();
}
