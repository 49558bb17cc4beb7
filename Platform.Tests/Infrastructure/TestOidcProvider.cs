using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Platform.Tests.Infrastructure;

/// <summary>
/// A real OpenID Connect provider on 127.0.0.1: panva's certified <c>oidc-provider</c> (npm) run by Node from
/// Infrastructure/Oidc/provider.mjs, with its own login and consent pages. Whoever signs in there is decided by the
/// login name typed (see provider.mjs): "name@example.test" has a verified email, "unverified:name@example.test"
/// an unverified one. The npm package is installed into that folder on first use.
/// </summary>
public sealed class TestOidcProvider : IAsyncDisposable
{
    public const string ClientId = "platform-tests";
    public const string ClientSecret = "platform-tests-secret";

    public int Port { get; } = FreePort();
    public string Authority => $"http://127.0.0.1:{Port}";

    private Process? _process;
    private readonly StringBuilder _output = new();
    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    public string OutputSoFar { get { lock (_output) return _output.ToString(); } }

    /// <summary>The app's configuration for this provider as environment variables (Authentication:Oidc:&lt;name&gt;).</summary>
    public IReadOnlyDictionary<string, string> AppSettings(string name, string displayName) => new Dictionary<string, string>
    {
        [$"Authentication__Oidc__{name}__Authority"] = Authority,
        [$"Authentication__Oidc__{name}__ClientId"] = ClientId,
        [$"Authentication__Oidc__{name}__ClientSecret"] = ClientSecret,
        [$"Authentication__Oidc__{name}__DisplayName"] = displayName,
        [$"Authentication__Oidc__{name}__RequireHttpsMetadata"] = "false",
    };

    public async Task StartAsync()
    {
        var folder = Folder();
        await EnsureInstalledAsync(folder);
        var start = new ProcessStartInfo("node", $"provider.mjs {Port} {ClientId} {ClientSecret}")
        {
            WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The OIDC provider exited ({_process.ExitCode}):\n{OutputSoFar}");
            try
            {
                var response = await http.GetAsync($"{Authority}/.well-known/openid-configuration");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The OIDC provider did not start at {Authority}:\n{OutputSoFar}");
    }

    /// <summary>`npm install` once per machine (the package and its 40 dependencies, pinned in package.json).</summary>
    private static async Task EnsureInstalledAsync(string folder)
    {
        await InstallLock.WaitAsync();
        try
        {
            if (File.Exists(Path.Combine(folder, "node_modules", "oidc-provider", "package.json"))) return;
            var install = Process.Start(new ProcessStartInfo("npm", "install --no-audit --no-fund --no-save")
            {
                WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true,
            })!;
            var stderr = install.StandardError.ReadToEndAsync();
            var stdout = install.StandardOutput.ReadToEndAsync();
            await install.WaitForExitAsync();
            if (install.ExitCode != 0)
                throw new InvalidOperationException($"npm install in {folder} failed ({install.ExitCode}):\n{await stdout}\n{await stderr}");
        }
        finally
        {
            InstallLock.Release();
        }
    }

    private static string Folder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Platform.sln"))) dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("Platform.sln not found"), "Platform.Tests", "Infrastructure", "Oidc");
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
