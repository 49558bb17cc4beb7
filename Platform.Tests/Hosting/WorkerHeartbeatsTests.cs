using Platform.Web.Infrastructure;


namespace Platform.Tests.Hosting;

/// <summary>The admin health page's view of background workers: stuck, failing, idle and healthy.</summary>
public class WorkerHeartbeatsTests
{
    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void A_periodic_worker_is_healthy_while_it_finishes_rounds_and_stuck_after_three_missed_intervals()
    {
        var clock = new Clock();
        var heartbeats = new WorkerHeartbeats(clock);
        heartbeats.Register("Sweeper", TimeSpan.FromSeconds(10), () => "3 queued");
        Assert.True(heartbeats.Snapshot().Single().Healthy); // just started: no round yet, not late either

        clock.Now += TimeSpan.FromSeconds(8);
        heartbeats.Ok("Sweeper");
        clock.Now += TimeSpan.FromSeconds(25);
        var fine = heartbeats.Snapshot().Single();
        Assert.Equal(("Sweeper", true, "3 queued · last round 25 s ago"), (fine.Worker, fine.Healthy, fine.Detail));

        clock.Now += TimeSpan.FromSeconds(10);
        var stuck = heartbeats.Snapshot().Single();
        Assert.False(stuck.Healthy);
        Assert.Equal("3 queued · no round finished for 35 s (runs every 10 s)", stuck.Detail);
    }

    [Fact]
    public void A_failed_round_shows_until_a_later_round_succeeds_and_an_idle_event_driven_worker_stays_healthy()
    {
        var clock = new Clock();
        var heartbeats = new WorkerHeartbeats(clock);
        heartbeats.Register("Writer", every: null);
        clock.Now += TimeSpan.FromHours(5);
        Assert.True(heartbeats.Snapshot().Single().Healthy); // waiting for work is not a fault

        heartbeats.Failed("Writer", new InvalidOperationException("outer", new TimeoutException("database unreachable")));
        clock.Now += TimeSpan.FromSeconds(3);
        var failing = heartbeats.Snapshot().Single();
        Assert.False(failing.Healthy);
        Assert.Equal("last round failed 3 s ago: database unreachable", failing.Detail);

        heartbeats.Ok("Writer");
        Assert.True(heartbeats.Snapshot().Single().Healthy);
    }

    [Fact]
    public async Task A_round_that_throws_is_reported_failing_instead_of_ending_the_worker()
    {
        var heartbeats = new WorkerHeartbeats(new Clock());
        heartbeats.Register("Purge", TimeSpan.FromHours(1));
        await heartbeats.RoundAsync("Purge", _ => throw new TimeoutException("main database unreachable"),
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None);
        Assert.False(heartbeats.Snapshot().Single().Healthy);

        await heartbeats.RoundAsync("Purge", _ => Task.CompletedTask, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None);
        Assert.True(heartbeats.Snapshot().Single().Healthy);
    }
}
