using System.Text;
using Microsoft.Extensions.Options;

namespace Platform.Web.Features.Documents.Git;

/// <summary>An entry of the cloned commit's tree: mode 100644/100755 = file, 120000 = symlink, 160000 = submodule.</summary>
public sealed record TreeEntry(string Mode, string Type, string ObjectId, long? Size, string Path);

/// <summary>A shallow clone in a temp folder (deleted on dispose) and the reads a sync needs from it.</summary>
public sealed class GitCheckout(GitCli git, string folder, string commit, string branch) : IAsyncDisposable
{
    public string Commit { get; } = commit;
    public string Branch { get; } = branch;

    /// <summary>Every entry of HEAD's tree (no checkout needed: files are read as blobs, never from disk, so a
    /// symlink or a path like "../x" in the repository can never point the reader outside the clone).</summary>
    public async Task<(List<TreeEntry>? Entries, string? Error)> ListAsync(CancellationToken ct)
    {
        var output = new MemoryStream();
        var result = await git.RunAsync(["ls-tree", "-r", "-z", "-l", "--full-tree", "HEAD"], folder, false, ct,
            (s, t) => s.CopyToAsync(output, t));
        if (!result.Ok) return (null, git.Explain(result, Branch));
        var entries = new List<TreeEntry>();
        foreach (var record in Encoding.UTF8.GetString(output.ToArray()).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var tab = record.IndexOf('\t');
            if (tab < 0) continue;
            var meta = record[..tab].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (meta.Length < 4) continue;
            entries.Add(new TreeEntry(meta[0], meta[1], meta[2], long.TryParse(meta[3], out var size) ? size : null, record[(tab + 1)..]));
        }
        return (entries, null);
    }

    /// <summary>Reads blobs with one `git cat-file --batch` process (not a process per file).</summary>
    public async Task<(Dictionary<string, byte[]>? Blobs, string? Error)> ReadAsync(IReadOnlyCollection<string> objectIds, CancellationToken ct)
    {
        var blobs = new Dictionary<string, byte[]>(objectIds.Count);
        if (objectIds.Count == 0) return (blobs, null);
        var result = await git.RunAsync(["cat-file", "--batch"], folder, false, ct,
            stdout: async (s, t) =>
            {
                for (var i = 0; i < objectIds.Count; i++)
                {
                    var header = (await ReadLineAsync(s, t)).Split(' ');
                    if (header.Length < 3 || !long.TryParse(header[2], out var size)) throw new InvalidDataException("Unexpected cat-file output.");
                    var data = new byte[size];
                    await s.ReadExactlyAsync(data, t);
                    await s.ReadExactlyAsync(new byte[1], t); // the newline after each object
                    blobs[header[0]] = data;
                }
            },
            stdin: async (s, t) =>
            {
                foreach (var id in objectIds) await s.WriteAsync(Encoding.ASCII.GetBytes(id + "\n"), t);
            });
        return result.Ok ? (blobs, null) : (null, git.Explain(result, Branch));
    }

    private static async Task<string> ReadLineAsync(Stream s, CancellationToken ct)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            if (await s.ReadAsync(one, ct) == 0) throw new EndOfStreamException();
            if (one[0] == '\n') return line.ToString();
            if (line.Length > 200) throw new InvalidDataException("Unexpected cat-file output.");
            line.Append((char)one[0]);
        }
    }

    public ValueTask DisposeAsync()
    {
        GitRepository.DeleteFolder(folder);
        return ValueTask.CompletedTask;
    }
}

/// <summary>The git operations of Git import: check a repository and branch exist, and shallow-clone them.</summary>
public sealed class GitRepository(GitCli git, IOptions<GitImportOptions> options)
{
    /// <summary>Whether git may contact the repository's host (see <see cref="HostGuard"/>), and the global options
    /// that pin it to the addresses checked; every command that reaches the remote starts with them.</summary>
    private async Task<(string? Refusal, List<string> Pin)> CheckHostAsync(GitAddress address, CancellationToken ct)
    {
        if (address.IsLocal || options.Value.AllowPrivateNetworks) return (null, []);
        var uri = new Uri(address.CloneUrl);
        var (refusal, addresses) = await HostGuard.CheckAsync(uri.Host, ct);
        return (refusal, [.. HostGuard.PinArguments(uri.IdnHost, uri.Port, addresses)]);
    }

    private static string TempRoot => Path.Combine(Path.GetTempPath(), "platform-git");

    /// <summary>Asks the remote (ls-remote, no clone) for the branch, or its default branch when none is given.</summary>
    public async Task<(string? Branch, string? Error)> ProbeAsync(GitAddress address, string? branch, CancellationToken ct)
    {
        var (refused, pin) = await CheckHostAsync(address, ct);
        if (refused is not null) return (null, refused);
        var output = new MemoryStream();
        List<string> args = [.. pin, "ls-remote", "--symref", "--", address.CloneUrl, "HEAD"];
        if (branch is not null) args.Add("refs/heads/" + branch);
        var result = await git.RunAsync(args, null, address.IsLocal, ct, (s, t) => s.CopyToAsync(output, t));
        if (!result.Ok) return (null, git.Explain(result, branch));
        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (branch is not null)
            return lines.Any(l => l.EndsWith("\trefs/heads/" + branch, StringComparison.Ordinal))
                ? (branch, null) : (null, $"The branch \"{branch}\" does not exist in the repository.");
        var head = lines.FirstOrDefault(l => l.StartsWith("ref: refs/heads/", StringComparison.Ordinal) && l.EndsWith("\tHEAD", StringComparison.Ordinal));
        return head is null
            ? (null, "The repository has no default branch (is it empty?). Enter a branch.")
            : (head["ref: refs/heads/".Length..^"\tHEAD".Length], null);
    }

    /// <summary>The commit the branch (or the default branch) points to on the remote, without cloning; null when
    /// it cannot be told (the clone that follows then reports why).</summary>
    public async Task<string?> RemoteCommitAsync(GitAddress address, string? branch, CancellationToken ct)
    {
        var (refused, pin) = await CheckHostAsync(address, ct);
        if (refused is not null) return null;
        var output = new MemoryStream();
        var reference = branch is null ? "HEAD" : "refs/heads/" + branch;
        var result = await git.RunAsync([.. pin, "ls-remote", "--", address.CloneUrl, reference], null, address.IsLocal, ct,
            (s, t) => s.CopyToAsync(output, t));
        if (!result.Ok) return null;
        var line = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(l => l.EndsWith("\t" + reference, StringComparison.Ordinal));
        return line?.Split('\t')[0];
    }

    /// <summary>`clone --depth 1 --single-branch --no-tags --no-checkout` into a fresh temp folder.</summary>
    public async Task<(GitCheckout? Checkout, string? Error)> CloneAsync(GitAddress address, string? branch, CancellationToken ct)
    {
        var (refused, pin) = await CheckHostAsync(address, ct);
        if (refused is not null) return (null, refused);
        var folder = Path.Combine(TempRoot, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(TempRoot);
        try
        {
            List<string> args = [.. pin, "clone", "--quiet", "--depth", "1", "--single-branch", "--no-tags", "--no-checkout"];
            if (branch is not null) { args.Add("--branch"); args.Add(branch); }
            args.AddRange(["--", address.CloneUrl, folder]);
            var result = await git.RunAsync(args, TempRoot, address.IsLocal, ct);
            if (!result.Ok)
            {
                DeleteFolder(folder);
                return (null, git.Explain(result, branch));
            }
            var commit = await ReadLineAsync(["rev-parse", "HEAD"], folder, ct);
            var resolved = await ReadLineAsync(["symbolic-ref", "--short", "HEAD"], folder, ct);
            if (commit is null)
            {
                DeleteFolder(folder);
                return (null, "The repository has no commits on that branch.");
            }
            return (new GitCheckout(git, folder, commit, resolved ?? branch ?? "HEAD"), null);
        }
        catch
        {
            DeleteFolder(folder);
            throw;
        }
    }

    private async Task<string?> ReadLineAsync(List<string> args, string folder, CancellationToken ct)
    {
        var output = new MemoryStream();
        var result = await git.RunAsync(args, folder, false, ct, (s, t) => s.CopyToAsync(output, t));
        var line = Encoding.UTF8.GetString(output.ToArray()).Trim();
        return result.Ok && line.Length > 0 ? line : null;
    }

    internal static void DeleteFolder(string folder)
    {
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the next start's cleanup; never fails a sync.
            System.Diagnostics.Debug.WriteLine($"Could not delete {folder}: {e.Message}");
        }
    }
}
