using System.Globalization;
using System.Text;

namespace Platform.Bench;

/// <summary>Collects measurements and targets; prints the TARGET lines and records the run in docs/benchmarks.md.</summary>
public sealed class BenchReport(string benchmark)
{
    private readonly List<string> _lines = [];
    private readonly List<(string Name, double Measured, string Goal, bool Pass)> _targets = [];

    public bool AllPassed => _targets.All(t => t.Pass);

    /// <summary>A measurement worth keeping (printed now, written to the markdown).</summary>
    public void Note(string line)
    {
        Console.WriteLine(line);
        _lines.Add(line);
    }

    /// <summary>A target: <paramref name="pass"/> says whether <paramref name="measured"/> meets <paramref name="goal"/>.</summary>
    public void Target(string name, double measured, string goal, bool pass) => _targets.Add((name, measured, goal, pass));

    public void PrintTargets()
    {
        foreach (var t in _targets) Console.WriteLine(Format(t));
    }

    private static string Format((string Name, double Measured, string Goal, bool Pass) t) =>
        string.Create(CultureInfo.InvariantCulture, $"TARGET {t.Name} measured={t.Measured:0.####} goal={t.Goal} {(t.Pass ? "PASS" : "FAIL")}");

    public void AppendToMarkdown(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var sb = new StringBuilder();
        sb.AppendLine($"\n## `{benchmark}` — {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores\n");
        sb.AppendLine("```");
        foreach (var line in _lines) sb.AppendLine(line);
        foreach (var t in _targets) sb.AppendLine(Format(t));
        sb.AppendLine("```");
        File.AppendAllText(path, sb.ToString());
    }
}
