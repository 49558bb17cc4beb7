using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Platform.Data.Main;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Data.Tenant.Entities;
using Platform.Web.Features.Workspaces;

namespace Platform.Web.Hosting;

/// <summary>
/// First run only: workspace "Acme" with its owner, one knowledge document and the default personality.
/// Goes through the same paths as the app (Identity's hasher, tenant context + RLS), never around them.
/// A flag in platform_state keeps it from running again, even if Acme is later deleted.
/// The owner is a platform admin with a password published in the README, so it is only ever created on a
/// developer's machine (see <see cref="ShouldSeed"/>).
/// </summary>
public sealed class DemoSeeder(
    MainDbContext db, UserManager<AppUser> users, WorkspaceProvisioning provisioning, TenantDbFactory tenants,
    ILogger<DemoSeeder> logger)
{
    public const string OwnerEmail = "owner@acme.test";
    public const string OwnerPassword = "Demo!Passw0rd";
    private const string Flag = "demo_seeded";

    /// <summary>Command-line flag that seeds the demo outside Development (an explicit, logged choice).</summary>
    public const string DemoFlag = "--demo";

    /// <summary>Development with Platform:SeedDemo, or the explicit <see cref="DemoFlag"/>. Platform:SeedDemo alone
    /// never seeds elsewhere: it is true in appsettings.json, and a public instance must not get an admin whose
    /// password anyone can read.</summary>
    public static bool ShouldSeed(IHostEnvironment environment, PlatformOptions options, IReadOnlyCollection<string> args, ILogger logger)
    {
        if (args.Contains(DemoFlag))
        {
            if (!environment.IsDevelopment())
                logger.LogWarning("{Flag}: seeding the demo workspace in {Environment}. Its owner {Email} is a platform admin " +
                                  "with a published password: never do this on a reachable instance", DemoFlag, environment.EnvironmentName, OwnerEmail);
            return true;
        }
        if (!options.SeedDemo) return false;
        if (environment.IsDevelopment()) return true;
        logger.LogWarning("Platform:SeedDemo is true but the environment is {Environment}: the demo workspace (a platform admin " +
                          "with a published password) is seeded only in Development, or with {Flag}. Not seeding", environment.EnvironmentName, DemoFlag);
        return false;
    }

    public async Task SeedOnceAsync(CancellationToken ct = default)
    {
        if (await db.PlatformState.AnyAsync(s => s.Key == Flag, ct)) return;

        var owner = await users.FindByEmailAsync(OwnerEmail);
        if (owner is null)
        {
            owner = new AppUser
            {
                UserName = OwnerEmail, Email = OwnerEmail, EmailConfirmed = true, DisplayName = "Ada Owner",
                IsPlatformAdmin = true,
            };
            var result = await users.CreateAsync(owner, OwnerPassword);
            if (!result.Succeeded)
                throw new InvalidOperationException("Demo owner: " + string.Join("; ", result.Errors.Select(e => e.Description)));
        }

        var acme = await provisioning.CreateAsync("Acme", "acme", owner.Id, ct);
        await using (var tenant = await tenants.OpenAsync(acme.Id, owner.Id, ct))
        {
            tenant.Documents.Add(new Document
            {
                Title = "Acme employee handbook", FileName = "acme-handbook.md", ContentType = "text/markdown",
                Content = Handbook, SizeBytes = System.Text.Encoding.UTF8.GetByteCount(Handbook),
                CreatedByUserId = owner.Id,
            });
            await tenant.CommitAsync(ct);
        }

        db.PlatformState.Add(new PlatformState { Key = Flag, Value = acme.Id.ToString() });
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Demo workspace Acme seeded");
    }

    /// <summary>Printed at every start where the demo is on, so a developer need not look the password up.</summary>
    public void LogCredentials() =>
        logger.LogWarning("Demo workspace Acme: sign in as {Email} / {Password} (a platform admin; demo data, Development only)",
            OwnerEmail, OwnerPassword);

    private const string Handbook = """
        # Acme employee handbook

        ## Working hours
        Core hours are 10:00 to 16:00 local time. Outside core hours, work when it suits you and your team.

        ## Time off
        Everyone has 28 days of paid leave per year, plus public holidays. Book leave in the HR portal at least
        two weeks ahead for anything longer than three days.

        ## Expenses
        Submit receipts within 30 days. Travel is booked through the travel desk; meals on business trips are
        covered up to 60 EUR per day.

        ## Security
        Use the password manager for every work account and turn on two-factor authentication. Report a lost
        laptop to security@acme.test within one hour.
        """;
}
