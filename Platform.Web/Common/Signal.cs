using System.Collections.Immutable;

namespace Platform.Web;

/// <summary>
/// The one way this process tells live pages and workers that something changed ("this document is ready", "this
/// chat is generating", "the workspace changed"): <see cref="Subscribe"/> returns an <see cref="IDisposable"/> that
/// ends the subscription; <see cref="Publish"/> calls every subscriber on the publisher's thread.
/// </summary>
/// <remarks>
/// A subscriber that throws (typically a closed circuit) is logged and skipped: it never stops the publisher (a
/// worker, a generation, a save) or the other subscribers. Subscribers run on the publisher's thread, so they must
/// be quick: set a flag and hand off (Blazor components call <c>InvokeAsync</c>). Signals are in-process; other
/// instances learn the same facts from the database (sweeps, reloads).
/// </remarks>
public sealed class Signal<T>(ILogger logger, string name)
{
    private ImmutableArray<Action<T>> _subscribers = [];

    public int SubscriberCount => _subscribers.Length;

    public IDisposable Subscribe(Action<T> subscriber)
    {
        ImmutableInterlocked.Update(ref _subscribers, list => list.Add(subscriber));
        return new Subscription(this, subscriber);
    }

    public void Publish(T value)
    {
        foreach (var subscriber in _subscribers)
        {
            try { subscriber(value); }
            catch (Exception e)
            {
                logger.LogWarning(e, "A subscriber of {Signal} failed; the others still got the change", name);
            }
        }
    }

    private sealed class Subscription(Signal<T> signal, Action<T> subscriber) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                ImmutableInterlocked.Update(ref signal._subscribers, list => list.Remove(subscriber));
        }
    }
}
