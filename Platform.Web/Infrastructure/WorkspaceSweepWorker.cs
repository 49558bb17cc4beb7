using System.Collections.Concurrent;
using System.Threading.Channels;
using Platform.Data.Tenancy;

namespace Platform.Web.Infrastructure;

/// <summary>
/// A background worker for work kept per workspace in the database (never in a circuit: it goes on when the tab
/// closes). It wakes when a page signals a workspace, and sweeps every active workspace at start and every
/// <see cref="SweepEvery"/> for work it was not told about: left unfinished by a restart or a crash, or queued by
/// another instance. One workspace failing (its own database dropped or down) is logged and counted in the health
/// detail but does not hold up the others; a failed round (the main database down) is reported to
/// <see cref="WorkerHeartbeats"/> as failing. Either way the loop goes on.
/// </summary>
public abstract class WorkspaceSweepWorker(
    ChannelReader<Guid> work, MainDbFactory main, WorkerHeartbeats heartbeats, ILogger logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, string> _failingWorkspaces = new();

    /// <summary>The worker's name on the admin health page.</summary>
    protected abstract string Name { get; }

    protected abstract TimeSpan SweepEvery { get; }

    /// <summary>Does the queued work of one workspace.</summary>
    protected abstract Task DrainAsync(Guid workspaceId, CancellationToken ct);

    /// <summary>Runs for each active workspace at each sweep, before its work is drained.</summary>
    protected virtual Task OnSweepAsync(Guid workspaceId, CancellationToken ct) => Task.CompletedTask;

    /// <summary>How many workspaces are drained at the same time (never two drains of one workspace at once). One by
    /// default; a worker whose single item of work can take long raises it so one slow workspace cannot stall the
    /// others.</summary>
    protected virtual int Concurrency => 1;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        heartbeats.Register(Name, SweepEvery, DescribeFailures);
        var pending = new Queue<Guid>();
        var running = new Dictionary<Guid, Task>();
        var again = new HashSet<Guid>(); // signalled while already running: queued once it is done
        var nextSweep = DateTimeOffset.MinValue;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    if (DateTimeOffset.UtcNow >= nextSweep)
                    {
                        var active = await EveryWorkspace.IdsAsync(main, activeOnly: true, stoppingToken);
                        foreach (var gone in _failingWorkspaces.Keys.Except(active)) _failingWorkspaces.TryRemove(gone, out _);
                        foreach (var id in active)
                        {
                            if (await ForWorkspaceAsync(id, ct => OnSweepAsync(id, ct), stoppingToken)) pending.Enqueue(id);
                        }
                        nextSweep = DateTimeOffset.UtcNow + SweepEvery;
                        heartbeats.Ok(Name);
                    }
                    while (running.Count < Math.Max(1, Concurrency) && (pending.TryDequeue(out var workspaceId) || work.TryRead(out workspaceId)))
                    {
                        if (running.ContainsKey(workspaceId)) again.Add(workspaceId);
                        else running[workspaceId] = Task.Run(() => ForWorkspaceAsync(workspaceId, ct => DrainAsync(workspaceId, ct), stoppingToken), CancellationToken.None);
                    }
                    await WaitForWorkAsync(running, nextSweep, stoppingToken);
                    foreach (var (id, drain) in running.Where(r => r.Value.IsCompleted).ToList())
                    {
                        running.Remove(id);
                        await drain;
                        if (again.Remove(id)) pending.Enqueue(id);
                    }
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e)
                {
                    // A database hiccup must not end the worker for the life of the process.
                    logger.LogError(e, "{Worker} loop failed; continuing", Name);
                    heartbeats.Failed(Name, e);
                    await Task.Delay(TimeSpan.FromSeconds(2), stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
                }
            }
        }
        finally
        {
            // Drains end quickly once stoppingToken is cancelled; their cancellation is the expected ending.
            try { await Task.WhenAll(running.Values); }
            catch (OperationCanceledException) { }
        }
    }

    /// <summary>Returns when a drain finished, new work was signalled while a slot is free, the sweep is due or
    /// the worker stops.</summary>
    private async Task WaitForWorkAsync(Dictionary<Guid, Task> running, DateTimeOffset nextSweep, CancellationToken stoppingToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        wait.CancelAfter(nextSweep - DateTimeOffset.UtcNow is var d && d > TimeSpan.Zero ? d : TimeSpan.Zero);
        var waits = new List<Task>(running.Values);
        waits.Add(running.Count < Math.Max(1, Concurrency)
            ? work.WaitToReadAsync(wait.Token).AsTask()
            : Task.Delay(Timeout.Infinite, wait.Token));
        await Task.WhenAny(waits);
        await wait.CancelAsync();
        stoppingToken.ThrowIfCancellationRequested();
    }

    /// <summary>Runs one workspace's step; false (logged, remembered for the health page) when it failed.</summary>
    private async Task<bool> ForWorkspaceAsync(Guid workspaceId, Func<CancellationToken, Task> step, CancellationToken ct)
    {
        try
        {
            await step(ct);
            _failingWorkspaces.TryRemove(workspaceId, out _);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "{Worker}: workspace {WorkspaceId} failed; the others go on", Name, workspaceId);
            _failingWorkspaces[workspaceId] = e.GetBaseException().Message;
            return false;
        }
    }

    private string DescribeFailures() => _failingWorkspaces.IsEmpty ? ""
        : $"{_failingWorkspaces.Count} workspace(s) failing, e.g. {_failingWorkspaces.First().Value}";
}
