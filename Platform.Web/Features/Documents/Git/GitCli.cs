using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Options;

namespace Platform.Web.Features.Documents.Git;

public sealed record GitResult(int ExitCode, string Error, bool TimedOut)
{
    public bool Ok => ExitCode == 0 && !TimedOut;
}

/// <summary>
/// Runs the git CLI for untrusted repositories: arguments as a list (no shell), a scrubbed environment (no
/// system/global config, so no credential helpers, url rewrites or hooks of the server's user), https only (plus
/// file for vetted local paths), no prompts, no hooks, no symlinks, no submodules, objects checked, and a timeout
/// that kills the whole process tree.
/// </summary>
public sealed class GitCli(IOptions<GitImportOptions> options, ILogger<GitCli> logger)
{
    private const int MaxErrorChars = 16 * 1024;

    private static readonly string[] SafeConfig =
    [
        "core.hooksPath=/dev/null", "core.symlinks=false", "core.fsmonitor=false", "credential.helper=",
        "submodule.recurse=false", "transfer.fsckObjects=true", "protocol.version=2", "advice.detachedHead=false",
        // A redirect could lead to a host the address check refused (e.g. the cloud metadata endpoint).
        "http.followRedirects=false",
    ];

    public TimeSpan Timeout => TimeSpan.FromSeconds(Math.Max(1, options.Value.TimeoutSeconds));

    /// <summary>Runs git; <paramref name="stdout"/> consumes its output (binary), <paramref name="stdin"/> feeds it.</summary>
    public async Task<GitResult> RunAsync(IReadOnlyList<string> args, string? workingDirectory, bool allowFile,
        CancellationToken ct, Func<Stream, CancellationToken, Task>? stdout = null, Func<Stream, CancellationToken, Task>? stdin = null)
    {
        var start = new ProcessStartInfo(options.Value.GitExecutable)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
            UseShellExecute = false, WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var setting in SafeConfig) { start.ArgumentList.Add("-c"); start.ArgumentList.Add(setting); }
        foreach (var a in args) start.ArgumentList.Add(a);
        Scrub(start.Environment, allowFile);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            logger.LogError(e, "git could not be started ({Git})", options.Value.GitExecutable);
            return new GitResult(-1, "git is not installed on the server.", false);
        }

        var error = ReadBoundedAsync(process.StandardError.BaseStream);
        try
        {
            var feeding = stdin is null ? CloseAsync(process) : FeedAsync(process, stdin, timeout.Token);
            var reading = stdout is null ? process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, timeout.Token)
                : stdout(process.StandardOutput.BaseStream, timeout.Token);
            await Task.WhenAll(feeding, reading);
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            if (ct.IsCancellationRequested) throw;
            return new GitResult(-1, "", true);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            Kill(process);
            return new GitResult(-1, e.Message, false);
        }
        return new GitResult(process.ExitCode, await error, false);
    }

    private static void Scrub(IDictionary<string, string?> env, bool allowFile)
    {
        foreach (var key in env.Keys.Where(k => k.StartsWith("GIT_", StringComparison.Ordinal) || k is "SSH_ASKPASS" or "SSH_AUTH_SOCK").ToList())
            env.Remove(key);
        env["GIT_TERMINAL_PROMPT"] = "0";
        env["GIT_ALLOW_PROTOCOL"] = allowFile ? "https:file" : "https";
        env["GIT_CONFIG_NOSYSTEM"] = "1";
        env["GIT_CONFIG_GLOBAL"] = "/dev/null";
        env["GIT_LFS_SKIP_SMUDGE"] = "1";
        env["GIT_ASKPASS"] = "/bin/false";
        env["LC_ALL"] = "C"; // error messages in English, so they can be explained to the user
    }

    private static async Task CloseAsync(Process process)
    {
        process.StandardInput.Close();
        await Task.CompletedTask;
    }

    private static async Task FeedAsync(Process process, Func<Stream, CancellationToken, Task> stdin, CancellationToken ct)
    {
        try { await stdin(process.StandardInput.BaseStream, ct); }
        finally { process.StandardInput.Close(); }
    }

    private static async Task<string> ReadBoundedAsync(Stream stream)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int n;
        while ((n = await stream.ReadAsync(chunk)) > 0)
            if (buffer.Length < MaxErrorChars) buffer.Write(chunk, 0, (int)Math.Min(n, MaxErrorChars - buffer.Length));
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private void Kill(Process process)
    {
        try { if (!process.HasExited) process.Kill(entireProcessTree: true); }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            logger.LogWarning(e, "Could not kill a git process");
        }
    }

    /// <summary>A user-facing reason for a failed git command.</summary>
    public string Explain(GitResult result, string? branch)
    {
        if (result.TimedOut) return $"git took longer than {options.Value.TimeoutSeconds} s and was stopped.";
        var e = result.Error;
        bool Has(string s) => e.Contains(s, StringComparison.OrdinalIgnoreCase);
        if (Has("Remote branch") && Has("not found")) return $"The branch \"{branch}\" does not exist in the repository.";
        if (Has("could not read Username") || Has("Authentication failed") || Has("terminal prompts disabled"))
            return "The repository asks for credentials: only public repositories can be imported.";
        if (Has("not found") && Has("repository")) return "The repository was not found (only public repositories can be imported).";
        if (Has("does not appear to be a git repository") || Has("not a git repository")) return "That is not a Git repository.";
        if (Has("dubious ownership")) return "git refuses this folder because it belongs to another user (safe.directory).";
        if (Has("Could not resolve host")) return "The repository's host could not be found.";
        if (Has("Failed to connect") || Has("Connection refused") || Has("Connection timed out") || Has("unable to access"))
            return "The repository's host could not be reached.";
        if (Has("transport") && Has("not allowed")) return "git refused the repository's protocol (only https is allowed).";
        var last = e.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? $"exit code {result.ExitCode}";
        return "git failed: " + (last.Length > 300 ? last[..300] : last);
    }
}
