using System.Text.RegularExpressions;

namespace Platform.Web.Features.Documents.Git;

/// <summary>A repository the platform may clone: a public https URL, or a local folder under a configured root.
/// <see cref="CloneUrl"/> is what git gets; it is always built here, never taken from the user as is.</summary>
public sealed record GitAddress(string Display, string CloneUrl, bool IsLocal, string Name);

/// <summary>
/// Checks what users type before any git process sees it. git accepts many transports and treats values starting
/// with '-' as options; a multi-tenant server must only fetch public https repositories (no credentials stored,
/// no ssh keys of the server used, no ext:: commands run) and local folders the operator allowed explicitly.
/// </summary>
public static partial class GitAddressRules
{
    /// <summary>The address, or the reason it is refused (fit to show).</summary>
    public static (GitAddress? Address, string? Error) Parse(string? input, IReadOnlyList<string> localRoots)
    {
        var value = (input ?? "").Trim();
        if (value.Length == 0) return (null, "Enter a repository: an https URL or a local path.");
        if (value.Length > 2000) return (null, "The repository address is too long.");
        if (value.StartsWith('-')) return (null, "A repository address cannot start with '-'.");
        if (TransportHelper().IsMatch(value)) return (null, "Transport helpers such as ext:: are not allowed. Use an https URL.");
        if (value.Any(char.IsControl) || value.Any(char.IsWhiteSpace)) return (null, "The repository address cannot contain spaces or control characters.");

        if (value.StartsWith('/')) return ParseLocal(value, localRoots);
        var scheme = value.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
            return value.Contains('@') || value.Contains(':')
                ? (null, "SSH addresses are not supported. Use the repository's https URL (public repositories only).")
                : (null, "Enter an https URL (https://host/owner/repo.git) or an absolute local path.");
        return value[..scheme].ToLowerInvariant() switch
        {
            "https" => ParseHttps(value),
            "http" => (null, "Only https URLs are allowed (http is not encrypted)."),
            "file" => (null, "file:// URLs are not allowed. Enter the local path itself (it must be under an allowed folder)."),
            "ssh" or "git+ssh" or "ssh+git" => (null, "SSH addresses are not supported. Use the repository's https URL (public repositories only)."),
            _ => (null, $"The {value[..scheme]}:// protocol is not allowed. Use an https URL."),
        };
    }

    private static (GitAddress?, string?) ParseHttps(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps || string.IsNullOrEmpty(uri.Host))
            return (null, "That is not a valid https URL.");
        if (uri.UserInfo.Length > 0)
            return (null, "Remove the user name or token from the URL: credentials are never stored. Only public repositories can be imported.");
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0) return (null, "The URL cannot have a query (?…) or fragment (#…).");
        var path = uri.AbsolutePath.TrimEnd('/');
        if (path.Length <= 1) return (null, "The URL must point to a repository (https://host/owner/repo), not a site.");
        var clean = $"https://{uri.Authority}{path}";
        return (new GitAddress(clean, clean, false, NameOf(path)), null);
    }

    private static (GitAddress?, string?) ParseLocal(string value, IReadOnlyList<string> localRoots)
    {
        if (localRoots.Count == 0)
            return (null, "Importing from local paths is disabled on this server (Documents:Git:LocalRoots is empty). Use an https URL.");
        string resolved;
        try
        {
            resolved = ResolveLinks(value);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return (null, "The local path cannot be read.");
        }
        var root = localRoots.Select(SafeResolve).FirstOrDefault(r => r is not null && IsUnder(resolved, r));
        if (root is null) return (null, $"The local path is not under an allowed folder ({string.Join(", ", localRoots)}).");
        if (!Directory.Exists(resolved)) return (null, "The local path does not exist or is not a folder.");
        // file:// (not a bare path) so git uses its normal transport: --depth applies and hardlinks are never made.
        var url = new Uri(resolved).AbsoluteUri;
        return (new GitAddress(resolved, url, true, NameOf(resolved)), null);
    }

    private static string? SafeResolve(string root)
    {
        try { return root.StartsWith('/') ? ResolveLinks(root) : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { return null; }
    }

    private static bool IsUnder(string path, string root)
    {
        var r = root.TrimEnd('/');
        return path == r || path.StartsWith(r + "/", StringComparison.Ordinal);
    }

    /// <summary>The absolute path with "..", "." and every symbolic link along it resolved: a link inside an allowed
    /// root that points elsewhere does not pass the root check.</summary>
    internal static string ResolveLinks(string path, int depth = 0)
    {
        if (depth > 40) throw new IOException("Too many levels of symbolic links.");
        var parts = Path.GetFullPath(path).Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = "/";
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            if (new FileInfo(next).LinkTarget is { } target)
            {
                // Resolve the link (relative to its folder) and go on from where it really leads.
                var rest = string.Join('/', parts.Skip(i + 1));
                return ResolveLinks(Path.Combine(Path.Combine(current, target), rest), depth + 1);
            }
            current = next;
        }
        return current;
    }

    private static string NameOf(string path)
    {
        var last = path.TrimEnd('/').Split('/').LastOrDefault() ?? "repository";
        if (last.EndsWith(".git", StringComparison.OrdinalIgnoreCase)) last = last[..^4];
        if (last.Length == 0) last = "repository";
        return last.Length > 100 ? last[..100] : last;
    }

    /// <summary>A branch name git would accept as a plain branch (and nothing that looks like an option).</summary>
    public static string? CheckBranch(string? branch)
    {
        if (string.IsNullOrWhiteSpace(branch)) return null;
        var b = branch.Trim();
        if (b.Length > 250) return "The branch name is too long.";
        if (b.StartsWith('-')) return "A branch name cannot start with '-'.";
        if (!BranchPattern().IsMatch(b) || b.Contains("..") || b.Contains("//") || b.Contains("@{") || b.EndsWith(".lock")
            || b.EndsWith('/') || b.EndsWith('.') || b.StartsWith('/') || b.Split('/').Any(p => p.StartsWith('.')))
            return "That is not a valid branch name.";
        return null;
    }

    /// <summary>Normalised relative folder ("docs/guides"), or the reason it is refused.</summary>
    public static (string? Folder, string? Error) CheckSubFolder(string? folder)
    {
        if (string.IsNullOrWhiteSpace(folder)) return (null, null);
        var parts = folder.Trim().Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) return (null, null);
        if (parts.Any(p => p is "." or ".." || p.Any(char.IsControl))) return (null, "The sub-folder must be a plain path inside the repository (no '..').");
        var joined = string.Join('/', parts);
        return joined.Length > 500 ? (null, "The sub-folder path is too long.") : (joined, null);
    }

    /// <summary>git's "&lt;transport&gt;::&lt;address&gt;" syntax (ext::, fd::, any remote helper).</summary>
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.\-]*::")]
    private static partial Regex TransportHelper();

    [GeneratedRegex(@"^[A-Za-z0-9._/\-+]+$")]
    private static partial Regex BranchPattern();
}
