using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.Web.Infrastructure;

/// <summary>
/// What the background workers of this process last did, for the admin console's health page. A worker registers
/// once, then reports each round it finished (<see cref="Ok"/>) or failed (<see cref="Failed"/>). A periodic worker
/// that has not finished a round for three of its intervals is reported stuck; an event-driven one (no interval)
/// is healthy while idle. Details are computed when asked (queue lengths are read live, not as last reported).
/// </summary>
public sealed class WorkerHeartbeats(TimeProvider time)
{
    public sealed record Status(string Worker, bool Healthy, string Detail);

    private sealed class Entry(TimeSpan? every, Func<string>? describe, DateTimeOffset since)
    {
        public TimeSpan? Every { get; } = every;
        public Func<string>? Describe { get; } = describe;
        public DateTimeOffset Since { get; } = since;
        public DateTimeOffset? LastOk { get; set; }
        public DateTimeOffset? LastFailure { get; set; }
        public string? Error { get; set; }
    }

    private readonly ConcurrentDictionary<string, Entry> _workers = new();

    /// <param name="every">How often the worker runs a round; null for one that waits for work.</param>
    public void Register(string worker, TimeSpan? every, Func<string>? describe = null) =>
        _workers[worker] = new Entry(every, describe, time.GetUtcNow());

    public void Ok(string worker)
    {
        if (_workers.TryGetValue(worker, out var e)) e.LastOk = time.GetUtcNow();
    }

    public void Failed(string worker, Exception error)
    {
        if (!_workers.TryGetValue(worker, out var e)) return;
        e.LastFailure = time.GetUtcNow();
        e.Error = error.GetBaseException().Message;
    }

    /// <summary>One round of a periodic worker: reported either way, and a failure (the main database down) logged
    /// rather than thrown, since an exception escaping a BackgroundService ends it for the life of the process.</summary>
    public async Task RoundAsync(string worker, Func<CancellationToken, Task> round, ILogger logger, CancellationToken ct)
    {
        try
        {
            await round(ct);
            Ok(worker);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "{Worker}: round failed; trying again next round", worker);
            Failed(worker, e);
        }
    }

    public IReadOnlyList<Status> Snapshot()
    {
        var now = time.GetUtcNow();
        return _workers.OrderBy(w => w.Key, StringComparer.Ordinal).Select(w => Describe(w.Key, w.Value, now)).ToList();
    }

    private static Status Describe(string worker, Entry e, DateTimeOffset now)
    {
        var detail = e.Describe?.Invoke() is { Length: > 0 } d ? d + " · " : "";
        var failing = e.LastFailure is { } failedAt && (e.LastOk is not { } okAt || failedAt > okAt);
        if (failing) return new Status(worker, false, $"{detail}last round failed {Ago(now - e.LastFailure!.Value)}: {e.Error}");
        var last = e.LastOk ?? e.Since;
        if (e.Every is { } every && now - last > every * 3)
            return new Status(worker, false, $"{detail}no round finished for {Ago(now - last, suffix: false)} (runs every {Ago(every, suffix: false)})");
        return new Status(worker, true, detail + (e.LastOk is { } ok ? $"last round {Ago(now - ok)}" : "no round yet"));
    }

    private static string Ago(TimeSpan span, bool suffix = true)
    {
        var text = span.TotalSeconds < 90 ? $"{Math.Max(0, (int)span.TotalSeconds)} s"
            : span.TotalMinutes < 90 ? $"{(int)span.TotalMinutes} min"
            : $"{(int)span.TotalHours} h";
        return suffix ? text + " ago" : text;
    }
}

public static class WorkerHeartbeatsRegistration
{
    /// <summary>Each area that runs a worker calls this; the first call registers the one shared instance.</summary>
    public static IServiceCollection AddWorkerHeartbeats(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WorkerHeartbeats>();
        return services;
    }
}
