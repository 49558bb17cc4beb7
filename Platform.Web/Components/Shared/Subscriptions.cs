namespace Platform.Web.Components.Shared;

/// <summary>The <see cref="Signal{T}"/> subscriptions a component holds, ended together when it is disposed.</summary>
public sealed class Subscriptions : IDisposable
{
    private readonly List<IDisposable> _held = [];

    public void Add(IDisposable subscription)
    {
        lock (_held) _held.Add(subscription);
    }

    /// <summary>Ends every subscription; the bag can be filled again (a component that re-subscribes on new parameters).</summary>
    public void Dispose()
    {
        IDisposable[] held;
        lock (_held) { held = [.. _held]; _held.Clear(); }
        foreach (var s in held) s.Dispose();
    }
}
