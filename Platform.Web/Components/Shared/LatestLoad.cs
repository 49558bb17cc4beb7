namespace Platform.Web.Components.Shared;

/// <summary>
/// Keeps only the newest of overlapping loads of a component's data. A component reloads both when its parameters
/// are set again (the parent re-rendered, e.g. after a membership re-check) and after its own actions; if an older
/// load finishes last it would put stale rows back — an invite just sent vanishing from its list. Each load takes a
/// ticket, and only the newest ticket's result is applied.
/// </summary>
public sealed class LatestLoad
{
    private int _latest;

    public async Task RunAsync<T>(Func<Task<T>> load, Action<T> apply)
    {
        var ticket = Interlocked.Increment(ref _latest);
        var result = await load();
        if (ticket == Volatile.Read(ref _latest)) apply(result);
    }
}
