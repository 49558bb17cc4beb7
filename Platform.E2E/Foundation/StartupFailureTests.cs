using System.Diagnostics;
using Platform.E2E.Infrastructure;
using Platform.Tests.Infrastructure;

namespace Platform.E2E.Foundation;

/// <summary>The app refuses to start with a message a person can act on, and a non-zero exit code.</summary>
public class StartupFailureTests
{
    private static async Task<(int ExitCode, string Output)> StartAsync(Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet", $"\"{AppServer.WebDll()}\"")
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(AppServer.WebDll())!,
        };
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        // These start in Production, which needs the key ring's certificate before anything else is checked.
        start.Environment["DataProtection__CertificatePath"] = ThrowAwayCertificate.WritePfx();
        foreach (var (k, v) in environment) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task An_unreachable_database_names_host_port_and_the_command_to_start_it()
    {
        const string dead = "Host=127.0.0.1;Port=1;Database=platform;Username=platform_owner;Password=x";
        var (code, output) = await StartAsync(new() { ["Database__Main"] = dead, ["Database__MainOwner"] = dead });
        Assert.NotEqual(0, code);
        Assert.Contains("127.0.0.1:1", output);
        Assert.Contains("./platform db start", output);
    }

    [Fact]
    public async Task Production_without_a_data_protection_certificate_names_the_key()
    {
        var (code, output) = await StartAsync(new() { ["DataProtection__CertificatePath"] = "", ["ASPNETCORE_ENVIRONMENT"] = "Production" });
        Assert.NotEqual(0, code);
        Assert.Contains("DataProtection:CertificatePath", output);
        Assert.DoesNotContain("Unhandled exception", output);
    }

    [Fact]
    public async Task Invalid_configuration_names_the_key()
    {
        var (code, output) = await StartAsync(new() { ["Database__Main"] = "Host=127.0.0.1;Port=notaport" });
        Assert.NotEqual(0, code);
        Assert.Contains("Database:Main", output);
    }

    [Fact]
    public async Task Hosted_mode_without_a_tenant_database_names_the_key()
    {
        var (code, output) = await StartAsync(new() { ["Database__Mode"] = "Hosted", ["Database__TenantDefault"] = "" , ["Database__TenantDefaultOwner"] = "" });
        Assert.NotEqual(0, code);
        Assert.Contains("Database:TenantDefault", output);
    }
}
