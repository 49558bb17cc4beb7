using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Platform.Tests.Infrastructure;

/// <summary>A self-signed RSA certificate written to a temp .pfx, like the one ./platform generates with openssl.</summary>
public static class ThrowAwayCertificate
{
    public static string WritePfx(string? password = null)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=platform-test-dataprotection", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(Path.GetTempPath(), $"platform-dp-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx, password));
        return path;
    }
}
