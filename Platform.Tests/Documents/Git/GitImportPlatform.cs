using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Web.Features.Documents;
using Platform.Web.Features.Documents.Git;
using Platform.Web.Features.Workspaces;

namespace Platform.Tests.Documents.Git;

/// <summary>The Documents platform plus Git import, with a temp folder as the one allowed local root. The workers
/// are not started: tests drain syncs and ingestion explicitly.</summary>
public class GitImportPlatform : DocumentsPlatform, IAsyncLifetime
{
    public GitImportPlatform() : this(PlatformMode.Local) { }

    /// <summary>xunit wants one public constructor per fixture: the Hosted variant comes through this one.</summary>
    protected GitImportPlatform(PlatformMode mode) : base(mode) { }

    public const long MaxFileBytes = 64 * 1024;
    public const int MaxFiles = 40;

    public string Root { get; } = Directory.CreateTempSubdirectory("git-root-").FullName;

    protected override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        base.ConfigureServices(services, configuration);
        services.AddSingleton<WorkspacePermissions>();
        services.Configure<GitImportOptions>(o => { o.LocalRoots = [Root]; o.TimeoutSeconds = 60; o.MaxFiles = MaxFiles; });
        services.Configure<DocumentsOptions>(o => o.MaxFileBytes = MaxFileBytes);
    }

    public GitSourceService Sources => Services.GetRequiredService<GitSourceService>();
    public GitSyncer Syncer => Services.GetRequiredService<GitSyncer>();

    public TestRepo NewRepo(string? parent = null) => TestRepo.Create(parent ?? Root);

    // Re-implemented to also remove the temp root (the base fixture's DisposeAsync is not virtual).
    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A real repository built with the git CLI (init, add, commit) in a temp folder.</summary>
public sealed class TestRepo
{
    public string Path { get; }

    private TestRepo(string path) => Path = path;

    public static TestRepo Create(string parent)
    {
        var repo = new TestRepo(Directory.CreateDirectory(System.IO.Path.Combine(parent, "repo-" + Guid.NewGuid().ToString("N")[..8])).FullName);
        repo.Git("init", "-q", "-b", "main");
        return repo;
    }

    public TestRepo Write(string path, string text) => Write(path, System.Text.Encoding.UTF8.GetBytes(text));

    public TestRepo Write(string path, byte[] data)
    {
        var full = System.IO.Path.Combine(Path, path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, data);
        return this;
    }

    public TestRepo Delete(string path)
    {
        File.Delete(System.IO.Path.Combine(Path, path));
        return this;
    }

    public TestRepo Symlink(string path, string target)
    {
        File.CreateSymbolicLink(System.IO.Path.Combine(Path, path), target);
        return this;
    }

    /// <summary>Commits everything; returns the new commit's sha.</summary>
    public string Commit(string message = "change")
    {
        Git("add", "-A");
        Git("commit", "-q", "-m", message);
        return Git("rev-parse", "HEAD").Trim();
    }

    public string Git(params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = Path, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in new[] { ("-c", "user.name=Test"), ("-c", "user.email=test@test.local"), ("-c", "commit.gpgsign=false") })
        {
            start.ArgumentList.Add(k);
            start.ArgumentList.Add(v);
        }
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {error}");
        return output;
    }
}

/// <summary>The same, with the workspaces' data in the separate tenant database (Hosted mode).</summary>
public sealed class HostedGitImportPlatform() : GitImportPlatform(PlatformMode.Hosted);
