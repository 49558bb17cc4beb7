using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Platform.Tests.Infrastructure;

namespace Platform.Bench.Ui;

/// <summary>The real app as a separate process (the dll `./platform run` serves) on a free 127.0.0.1 port, in
/// Development (so the demo workspace "acme" and its owner exist), on the benchmark's own database — started the
/// way Platform.E2E's AppServer starts it.</summary>
public sealed class UiApp : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _certificate;
    private readonly StringBuilder _output = new();

    public string BaseUrl { get; }

    private UiApp(Process process, string certificate, string baseUrl)
    {
        _process = process;
        _certificate = certificate;
        BaseUrl = baseUrl;
    }

    public static async Task<UiApp> StartAsync(string database)
    {
        var root = Environment.GetEnvironmentVariable("PLATFORM_ROOT") ?? Directory.GetCurrentDirectory();
        var dll = Path.Combine(root, "Platform.Web", "bin", "Release", "net10.0", "Platform.Web.dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"Build Platform.Web first ({dll} is missing)");
        var baseUrl = $"http://127.0.0.1:{FreePort()}";
        var certificate = ThrowAwayCertificate.WritePfx();
        var start = new ProcessStartInfo("dotnet", $"\"{dll}\"")
        {
            WorkingDirectory = Path.Combine(root, "Platform.Web"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_URLS"] = baseUrl;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["Database__Mode"] = "Local";
        start.Environment["Database__Main"] = BenchDatabase.For(BenchDatabase.AppTemplate, database);
        start.Environment["Database__MainOwner"] = BenchDatabase.For(BenchDatabase.OwnerTemplate, database);
        start.Environment["Platform__PublicUrl"] = baseUrl;
        start.Environment["DataProtection__CertificatePath"] = certificate;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var app = new UiApp(Process.Start(start)!, certificate, baseUrl);
        app._process.OutputDataReceived += (_, e) => { lock (app._output) app._output.AppendLine(e.Data); };
        app._process.ErrorDataReceived += (_, e) => { lock (app._output) app._output.AppendLine(e.Data); };
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();
        await app.WaitHealthyAsync(TimeSpan.FromSeconds(180));
        return app;
    }

    private async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The app exited ({_process.ExitCode}):\n{Output}");
            try
            {
                if ((await http.GetAsync($"{BaseUrl}/health")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250);
        }
        throw new TimeoutException($"The app did not become healthy at {BaseUrl}:\n{Output}");
    }

    public string Output { get { lock (_output) return _output.ToString(); } }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        File.Delete(_certificate);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
