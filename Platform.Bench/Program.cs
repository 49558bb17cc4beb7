using Platform.Bench;

// ./platform bench <name> [options]: each benchmark measures a candidate against a baseline in the same run and
// prints, last, one "TARGET <name> measured=<value> goal=<value> PASS|FAIL" line per target.
var benchmarks = typeof(IBenchmark).Assembly.GetTypes()
    .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .ToDictionary(b => b.Name, StringComparer.OrdinalIgnoreCase);

if (args.Length == 0 || !benchmarks.TryGetValue(args[0], out var benchmark))
{
    Console.Error.WriteLine($"usage: ./platform bench <{string.Join("|", benchmarks.Keys.Order())}> [options]");
    return 2;
}

var report = new BenchReport(benchmark.Name);
await benchmark.RunAsync(args[1..], report);
report.PrintTargets();
report.AppendToMarkdown(Path.Combine(Environment.GetEnvironmentVariable("PLATFORM_ROOT") ?? ".", "docs", "benchmarks.md"));
return report.AllPassed ? 0 : 1;
