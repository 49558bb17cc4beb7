using System.Security.Cryptography;
using System.Text;
using Platform.Web.Features.Documents.Ingestion;

namespace Platform.Web.Features.Documents.Git;

/// <summary>A Markdown file of the repository that may become a document.</summary>
public sealed record ScannedFile(string Path, string Title, string ContentHash, byte[] Data);

/// <summary>The files to import, the rejected ones ("path: reason", and their paths), or why the whole scan failed.</summary>
public sealed record ScanResult(List<ScannedFile> Files, List<string> Rejections, HashSet<string> RejectedPaths, string? Error)
{
    public static ScanResult Failed(string? error) => new([], [], [], error ?? "The repository could not be read.");
}

/// <summary>
/// Picks the Markdown files of a checkout (under the sub-folder) and reads them, rejecting — with a reason, without
/// stopping the others — symlinks, files over the Documents size limit and files that are not UTF-8 text. A
/// repository over the file or byte caps fails as a whole: importing an arbitrary part of it would be worse.
/// </summary>
public sealed class RepositoryScan(GitImportOptions git, DocumentsOptions documents)
{
    public static bool IsMarkdown(string path) =>
        path.EndsWith(".md", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".markdown", StringComparison.OrdinalIgnoreCase);

    public async Task<ScanResult> ScanAsync(GitCheckout checkout, string? subFolder, CancellationToken ct)
    {
        var (entries, error) = await checkout.ListAsync(ct);
        if (entries is null) return ScanResult.Failed(error);
        var prefix = subFolder is null ? "" : subFolder + "/";
        var candidates = entries.Where(e => e.Path.StartsWith(prefix, StringComparison.Ordinal) && IsMarkdown(e.Path)).ToList();
        if (subFolder is not null && !entries.Any(e => e.Path.StartsWith(prefix, StringComparison.Ordinal)))
            return ScanResult.Failed($"The folder \"{subFolder}\" does not exist on this branch.");

        var rejections = new List<string>();
        var rejected = new HashSet<string>(StringComparer.Ordinal);
        void Reject(string path, string why) { rejections.Add($"{path}: {why}"); rejected.Add(path); }
        var toRead = new List<TreeEntry>();
        foreach (var e in candidates)
        {
            if (e.Mode == "120000") Reject(e.Path, "symbolic links are not imported.");
            else if (e.Type != "blob") Reject(e.Path, "not a file (submodule).");
            else if (e.Size > documents.MaxFileBytes) Reject(e.Path, $"larger than the {documents.MaxFileBytes / (1024.0 * 1024):0.#} MB limit.");
            else toRead.Add(e);
        }
        if (toRead.Count > git.MaxFiles)
            return ScanResult.Failed($"The repository has {toRead.Count} Markdown files; the limit per sync is {git.MaxFiles}. Choose a sub-folder.");
        var total = toRead.Sum(e => e.Size ?? 0);
        if (total > git.MaxTotalBytes)
            return ScanResult.Failed($"The Markdown files add up to {total / (1024.0 * 1024):0.#} MB; the limit per sync is {git.MaxTotalBytes / (1024.0 * 1024):0.#} MB. Choose a sub-folder.");

        var (blobs, readError) = await checkout.ReadAsync(toRead.Select(e => e.ObjectId).Distinct().ToList(), ct);
        if (blobs is null) return ScanResult.Failed(readError);
        var files = new List<ScannedFile>(toRead.Count);
        foreach (var e in toRead)
        {
            var data = blobs[e.ObjectId];
            if (CheckText(data) is { } why) { Reject(e.Path, why); continue; }
            var text = Encoding.UTF8.GetString(data);
            files.Add(new ScannedFile(e.Path, MarkdownTitle.Of(text, e.Path), Convert.ToHexStringLower(SHA256.HashData(data)), data));
        }
        return new ScanResult(files, rejections, rejected, null);
    }

    /// <summary>Null when the bytes are UTF-8 text the knowledge base can take, else why not.</summary>
    internal static string? CheckText(byte[] data)
    {
        if (data.Length == 0) return "the file is empty.";
        if (data.AsSpan().Contains((byte)0)) return "binary content, not text.";
        try
        {
            _ = new UTF8Encoding(false, true).GetCharCount(data);
        }
        catch (DecoderFallbackException)
        {
            return "not UTF-8 text.";
        }
        var (kind, _) = DocumentKindDetector.Detect(data, "file.md");
        return kind == DocumentKind.Markdown ? null : "binary content, not Markdown text.";
    }
}
