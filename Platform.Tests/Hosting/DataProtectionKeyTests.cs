using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Platform.Data;
using Platform.Data.Tenancy;
using Platform.Tests.Infrastructure;
using Platform.Web.Features.Workspaces;
using Platform.Web.Hosting;

namespace Platform.Tests.Hosting;

/// <summary>
/// The Data Protection key ring lives in the main database; with a certificate configured its keys are encrypted to
/// that certificate, so a copy of the database alone cannot decrypt what the keys protect (workspace AI keys here).
/// Each provider below is a separate "app instance" with the app's own registrations over the same database.
/// </summary>
public class DataProtectionKeyTests(LocalPlatform platform) : IClassFixture<LocalPlatform>, IAsyncLifetime
{
    private const string Secret = "sk-workspace-secret-123";

    public async Task InitializeAsync()
    {
        await using var db = platform.Main.Create(DbSession.None);
        await db.DataProtectionKeys.ExecuteDeleteAsync(); // every test starts with an empty key ring
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private ServiceProvider Instance(string environment, string? certificate, string? password = null, params string[] previous)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Database:Mode"] = "Local",
            ["Database:Main"] = TestDatabases.App(platform.MainDatabase),
            ["Database:MainOwner"] = TestDatabases.Owner(platform.MainDatabase),
            ["Database:AppRole"] = TestDatabases.AppRole,
            ["DataProtection:CertificatePath"] = certificate,
            ["DataProtection:CertificatePassword"] = password,
        };
        for (var i = 0; i < previous.Length; i++) settings[$"DataProtection:PreviousCertificates:{i}:Path"] = previous[i];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddPlatformData(configuration);
        services.AddPlatformIdentity(configuration);
        Assert.True(services.AddPlatformKeyProtection(configuration, new HostingEnvironment { EnvironmentName = environment }));
        return services.BuildServiceProvider();
    }

    private static IDataProtector Protector(IServiceProvider services) =>
        services.GetRequiredService<IDataProtectionProvider>().CreateProtector(WorkspaceAiKeys.Purpose);

    private async Task<List<string>> StoredKeysAsync()
    {
        await using var db = platform.Main.Create(DbSession.None);
        return await db.DataProtectionKeys.Select(k => k.Xml!).ToListAsync();
    }

    [Fact]
    public async Task Keys_are_stored_encrypted_and_a_key_ring_read_without_the_certificate_decrypts_nothing()
    {
        var certificate = ThrowAwayCertificate.WritePfx("pfx-password");
        string protectedSecret;
        await using (var app = Instance(Environments.Production, certificate, "pfx-password"))
            protectedSecret = Protector(app).Protect(Secret);

        var xml = Assert.Single(await StoredKeysAsync());
        Assert.Contains("EncryptedKey", xml);
        Assert.Contains("encryptedSecret", xml);
        Assert.DoesNotContain("<masterKey", xml);

        // Someone with a dump of the database (the same key ring, no certificate) gets nothing out of it.
        await using (var thief = Instance(Environments.Development, certificate: null))
            Assert.ThrowsAny<CryptographicException>(() => Protector(thief).Unprotect(protectedSecret));

        // The next start of the app, with the certificate, reads it back.
        await using (var restarted = Instance(Environments.Production, certificate, "pfx-password"))
            Assert.Equal(Secret, Protector(restarted).Unprotect(protectedSecret));
    }

    [Fact]
    public async Task Keys_written_before_a_certificate_was_configured_keep_working_and_new_keys_are_encrypted()
    {
        string legacySecret;
        await using (var before = Instance(Environments.Development, certificate: null))
            legacySecret = Protector(before).Protect(Secret);
        Assert.Contains("<masterKey", Assert.Single(await StoredKeysAsync()));

        await using var after = Instance(Environments.Production, ThrowAwayCertificate.WritePfx());
        Assert.Equal(Secret, Protector(after).Unprotect(legacySecret));
        var now = DateTimeOffset.UtcNow;
        after.GetRequiredService<IKeyManager>().CreateNewKey(now, now.AddDays(90));
        var keys = await StoredKeysAsync();
        Assert.Equal(2, keys.Count);
        Assert.Single(keys, x => x.Contains("EncryptedKey") && !x.Contains("<masterKey"));
    }

    [Fact]
    public async Task After_a_rotation_the_previous_certificate_still_decrypts_the_keys_it_protected()
    {
        var (old, current) = (ThrowAwayCertificate.WritePfx(), ThrowAwayCertificate.WritePfx());
        string protectedSecret;
        await using (var app = Instance(Environments.Production, old))
            protectedSecret = Protector(app).Protect(Secret);

        await using (var rotatedWithoutOld = Instance(Environments.Production, current))
            Assert.ThrowsAny<CryptographicException>(() => Protector(rotatedWithoutOld).Unprotect(protectedSecret));
        await using (var rotated = Instance(Environments.Production, current, null, old))
            Assert.Equal(Secret, Protector(rotated).Unprotect(protectedSecret));
    }

    [Fact]
    public void Outside_development_the_app_refuses_to_start_without_a_readable_certificate()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>()).Build();
        var production = new HostingEnvironment { EnvironmentName = Environments.Production };
        Assert.False(new ServiceCollection().AddPlatformKeyProtection(configuration, production));
        Assert.True(new ServiceCollection().AddPlatformKeyProtection(configuration, new HostingEnvironment { EnvironmentName = Environments.Development }));

        var wrongPassword = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataProtection:CertificatePath"] = ThrowAwayCertificate.WritePfx("right"),
            ["DataProtection:CertificatePassword"] = "wrong",
        }).Build();
        Assert.False(new ServiceCollection().AddPlatformKeyProtection(wrongPassword, production));
    }

    [Fact]
    public void The_docker_setup_creates_its_certificate_once_readable_only_by_the_app_user()
    {
        var path = Path.Combine(Path.GetTempPath(), $"platform-dp-{Guid.NewGuid():N}", "keys", "dataprotection.pfx");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["DataProtection:CertificatePath"] = path,
            ["DataProtection:CreateCertificateIfMissing"] = "true",
        }).Build();
        var production = new HostingEnvironment { EnvironmentName = Environments.Production };
        Assert.True(new ServiceCollection().AddPlatformKeyProtection(configuration, production));
        var created = File.ReadAllBytes(path);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.True(new ServiceCollection().AddPlatformKeyProtection(configuration, production));
        Assert.Equal(created, File.ReadAllBytes(path)); // never replaced: that would orphan every key it protected
    }
}
