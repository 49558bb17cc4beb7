using System.Text.Json;
using System.Text.RegularExpressions;

namespace Platform.Bench.Quality;

/// <summary>One labelled question: the answer is a short exact passage of a corpus document (README.md here).</summary>
public sealed record LabelledQuestion(string Id, string Document, string Kind, string Question, string Answer);

/// <summary>The corpus (licence texts from Debian's base-files, copied into corpus/) and questions.jsonl.</summary>
public static partial class EvaluationSet
{
    public static string Folder => Path.Combine(Environment.GetEnvironmentVariable("PLATFORM_ROOT") ?? ".", "Platform.Bench", "Quality");

    public static IReadOnlyList<(string Title, string Text)> Documents() =>
        Directory.GetFiles(Path.Combine(Folder, "corpus"), "*.txt").Order(StringComparer.Ordinal)
            .Select(f => (Path.GetFileNameWithoutExtension(f), File.ReadAllText(f))).ToList();

    public static IReadOnlyList<LabelledQuestion> Questions()
    {
        var options = new JsonSerializerOptions { PropertyNameCaseInsensitive = true };
        return File.ReadLines(Path.Combine(Folder, "questions.jsonl")).Where(l => l.Trim().Length > 0)
            .Select(l => JsonSerializer.Deserialize<LabelledQuestion>(l, options)!).ToList();
    }

    /// <summary>Labels match across line wraps, case and repeated spaces (the same rule build_questions.py checks).</summary>
    public static string Normalize(string text) => Spaces().Replace(text, " ").Trim().ToLowerInvariant();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
