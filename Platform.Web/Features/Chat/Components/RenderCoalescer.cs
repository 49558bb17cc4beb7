namespace Platform.Web.Features.Chat.Components;

/// <summary>
/// Turns a burst of "changed" signals into at most one render per interval (≈20/s at 50 ms): tokens can arrive
/// hundreds per second, a circuit should not re-render for each. Thread-safe; the render runs on the caller's
/// dispatcher through the delegate.
/// </summary>
public sealed class RenderCoalescer(Func<Task> render, TimeSpan interval) : IDisposable
{
    public static readonly TimeSpan Default = TimeSpan.FromMilliseconds(50);

    private int _scheduled;
    private long _lastRender;
    private bool _disposed;

    public long Renders { get; private set; }
    public long Signals { get; private set; }

    public void Notify()
    {
        if (_disposed) return;
        Signals++;
        if (Interlocked.Exchange(ref _scheduled, 1) == 1) return;
        var wait = TimeSpan.FromTicks(Math.Max(0, Volatile.Read(ref _lastRender) + interval.Ticks - DateTime.UtcNow.Ticks));
        if (wait == TimeSpan.Zero) _ = RunAsync();
        else _ = Task.Delay(wait).ContinueWith(_ => RunAsync(), TaskScheduler.Default);
    }

    private async Task RunAsync()
    {
        Volatile.Write(ref _lastRender, DateTime.UtcNow.Ticks);
        Volatile.Write(ref _scheduled, 0);
        if (_disposed) return;
        Renders++;
        try { await render(); }
        catch (ObjectDisposedException) { /* the circuit went away */ }
    }

    public void Dispose() => _disposed = true;
}
