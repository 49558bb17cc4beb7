using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;

namespace Platform.Web.Hosting;

/// <summary>The "DataProtection" section: the certificate that encrypts the Data Protection key ring at rest.</summary>
public sealed class DataProtectionKeyOptions
{
    public const string Section = "DataProtection";

    /// <summary>A PKCS#12 (.pfx) file with an RSA key pair. New keys of the ring are encrypted to it before they are
    /// stored in the main database; reading them back needs its private key. Required outside Development.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    /// <summary>Create a self-signed certificate at <see cref="CertificatePath"/> when no file is there yet (the
    /// Docker image does this on a volume of its own). Off by default: normally the operator provides the file.</summary>
    public bool CreateCertificateIfMissing { get; set; }

    /// <summary>Certificates used before a rotation: they only decrypt keys written while they were current.</summary>
    public CertificateFile[] PreviousCertificates { get; set; } = [];
}

public sealed class CertificateFile
{
    public string Path { get; set; } = "";
    public string? Password { get; set; }
}

/// <summary>
/// Protects the Data Protection key ring (kept in the main database so every instance shares it, see
/// <see cref="IdentityServices"/>) with a certificate that lives outside that database, so a dump of the database
/// alone decrypts nothing (workspace AI keys, own-database connection strings, cookies). Keys written before a
/// certificate was configured stay readable as they are; keys created afterwards are encrypted. Rotation: see
/// docs/security-keys.md.
/// </summary>
public static class DataProtectionKeys
{
    /// <summary>Returns false after printing a message naming the key when the app must not start: no certificate
    /// outside Development, or a certificate that cannot be read.</summary>
    public static bool AddPlatformKeyProtection(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var options = configuration.GetSection(DataProtectionKeyOptions.Section).Get<DataProtectionKeyOptions>() ?? new();
        if (string.IsNullOrWhiteSpace(options.CertificatePath))
        {
            if (!environment.IsDevelopment())
            {
                Console.Error.WriteLine(
                    "Invalid configuration: DataProtection:CertificatePath is not set. Outside Development the Data Protection " +
                    "key ring (stored in the main database) must be encrypted with a certificate kept outside that database. " +
                    "Create one (e.g. `openssl req -x509 -newkey rsa:3072 -nodes -days 3650 -subj /CN=platform-dataprotection " +
                    "-keyout k.pem -out c.pem && openssl pkcs12 -export -inkey k.pem -in c.pem -out dataprotection.pfx`) and set " +
                    "DataProtection__CertificatePath (and DataProtection__CertificatePassword). See docs/security-keys.md.");
                return false;
            }
            Console.Error.WriteLine(
                "WARNING: DataProtection:CertificatePath is not set: the Data Protection keys in the main database are stored " +
                "UNENCRYPTED (allowed in Development only; ./platform run sets a local certificate under .data/).");
            return true;
        }

        if (options.CreateCertificateIfMissing && !File.Exists(options.CertificatePath)
            && !TryCreate(options.CertificatePath, options.CertificatePassword)) return false;
        if (Load("DataProtection:CertificatePath", options.CertificatePath, options.CertificatePassword) is not { } current) return false;
        var previous = new List<X509Certificate2>();
        for (var i = 0; i < options.PreviousCertificates.Length; i++)
        {
            var file = options.PreviousCertificates[i];
            if (Load($"DataProtection:PreviousCertificates:{i}:Path", file.Path, file.Password) is not { } old) return false;
            previous.Add(old);
        }

        // Decryption looks the certificate up in these options (not the OS store): the current one for new keys,
        // the previous ones for keys written before a rotation.
        services.AddDataProtection().ProtectKeysWithCertificate(current).UnprotectKeysWithAnyCertificate([current, .. previous]);
        return true;
    }

    private static bool TryCreate(string path, string? password)
    {
        try
        {
            using var rsa = RSA.Create(3072);
            var request = new CertificateRequest("CN=platform-dataprotection", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var file = new FileStream(path, options)) file.Write(certificate.Export(X509ContentType.Pfx, password));
            Console.Error.WriteLine($"Created the Data Protection certificate {path}: keep it (and back it up) with the database's backups, apart from them.");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Invalid configuration: DataProtection:CreateCertificateIfMissing could not write {path} (no permission or no such volume).");
            return false;
        }
    }

    private static X509Certificate2? Load(string key, string path, string? password)
    {
        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
            if (certificate.GetRSAPrivateKey() is null)
            {
                Console.Error.WriteLine($"Invalid configuration: {key} ({path}) has no RSA private key; Data Protection needs one to read its keys back.");
                return null;
            }
            return certificate;
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"Invalid configuration: {key} ({path}) cannot be read as a PKCS#12 certificate " +
                                    "(missing file, no permission, or wrong DataProtection password).");
            return null;
        }
    }
}
