namespace Platform.Bench;

/// <summary>One `./platform bench &lt;Name&gt;` benchmark. Add a class per area under Platform.Bench/&lt;Area&gt;/.</summary>
public interface IBenchmark
{
    string Name { get; }
    Task RunAsync(string[] args, BenchReport report);
}
