using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Data.Tenancy;
using Platform.Tests.Infrastructure;
using Platform.Web.Infrastructure;

namespace Platform.Tests.Hosting;

/// <summary>The shared worker loop on a real main database: one workspace failing does not hold up the others,
/// and the health page says so without calling the worker itself broken.</summary>
public class WorkspaceSweepWorkerTests(LocalPlatform platform) : IClassFixture<LocalPlatform>
{
    private sealed class Worker(ChannelReader<Guid> work, MainDbFactory main, WorkerHeartbeats heartbeats, Guid broken)
        : WorkspaceSweepWorker(work, main, heartbeats, NullLogger.Instance)
    {
        public ConcurrentDictionary<Guid, int> Drained { get; } = new();
        protected override string Name => "Test worker";
        protected override TimeSpan SweepEvery => TimeSpan.FromMinutes(5);

        protected override Task DrainAsync(Guid workspaceId, CancellationToken ct)
        {
            if (workspaceId == broken) throw new InvalidOperationException("its database is gone");
            Drained.AddOrUpdate(workspaceId, 1, (_, n) => n + 1);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task A_failing_workspace_is_reported_and_skipped_while_the_others_are_drained()
    {
        var (broken, _) = await platform.CreateWorkspaceAsync();
        var (fine, _) = await platform.CreateWorkspaceAsync();
        var heartbeats = new WorkerHeartbeats(TimeProvider.System);
        var signals = Channel.CreateUnbounded<Guid>();
        using var worker = new Worker(signals.Reader, platform.Services.GetRequiredService<MainDbFactory>(), heartbeats, broken);

        await worker.StartAsync(CancellationToken.None);
        try
        {
            // The start-up sweep visits both; a signal after it is served too, past the broken one again.
            await EventuallyAsync(() => worker.Drained.ContainsKey(fine));
            signals.Writer.TryWrite(broken);
            signals.Writer.TryWrite(fine);
            await EventuallyAsync(() => worker.Drained.GetValueOrDefault(fine) >= 2);

            var status = Assert.Single(heartbeats.Snapshot());
            Assert.True(status.Healthy);
            Assert.StartsWith("1 workspace(s) failing, e.g. its database is gone", status.Detail);
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Two slots; a workspace's drain can be held open to play a slow document or Git host.</summary>
    private sealed class ParallelWorker(ChannelReader<Guid> work, MainDbFactory main, WorkerHeartbeats heartbeats)
        : WorkspaceSweepWorker(work, main, heartbeats, NullLogger.Instance)
    {
        public ConcurrentDictionary<Guid, int> Started { get; } = new();
        public ConcurrentDictionary<Guid, int> Running { get; } = new();
        public int MostAtOnceForOneWorkspace;
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Guid Slow { get; init; }
        protected override string Name => "Parallel test worker";
        protected override TimeSpan SweepEvery => TimeSpan.FromMinutes(5);
        protected override int Concurrency => 2;

        protected override async Task DrainAsync(Guid workspaceId, CancellationToken ct)
        {
            var now = Running.AddOrUpdate(workspaceId, 1, (_, n) => n + 1);
            InterlockedMax(ref MostAtOnceForOneWorkspace, now);
            Started.AddOrUpdate(workspaceId, 1, (_, n) => n + 1);
            try
            {
                if (workspaceId == Slow) await Release.Task.WaitAsync(ct);
            }
            finally
            {
                Running.AddOrUpdate(workspaceId, 0, (_, n) => n - 1);
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            int seen;
            while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
        }
    }

    [Fact]
    public async Task A_slow_workspace_holds_one_slot_while_others_are_drained_and_is_never_drained_twice_at_once()
    {
        var (slow, _) = await platform.CreateWorkspaceAsync();
        var (other, _) = await platform.CreateWorkspaceAsync();
        var signals = Channel.CreateUnbounded<Guid>();
        using var worker = new ParallelWorker(signals.Reader, platform.Services.GetRequiredService<MainDbFactory>(),
            new WorkerHeartbeats(TimeProvider.System)) { Slow = slow };

        await worker.StartAsync(CancellationToken.None);
        try
        {
            await EventuallyAsync(() => worker.Started.ContainsKey(slow) && worker.Started.ContainsKey(other));
            // The slow one is still held open: the other workspace is served again and again meanwhile…
            var before = worker.Started[other];
            signals.Writer.TryWrite(slow);
            signals.Writer.TryWrite(other);
            signals.Writer.TryWrite(slow);
            await EventuallyAsync(() => worker.Started[other] > before);
            Assert.Equal(1, worker.Started[slow]);

            // …and the slow one's signals wait for its drain to end, then it runs again (once more, not in parallel).
            worker.Release.SetResult();
            await EventuallyAsync(() => worker.Started[slow] >= 2);
            Assert.Equal(1, worker.MostAtOnceForOneWorkspace);
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }
    }

    private static async Task EventuallyAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 20 s");
            await Task.Delay(50);
        }
    }
}
