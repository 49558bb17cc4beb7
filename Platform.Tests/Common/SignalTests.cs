using Microsoft.Extensions.Logging;

namespace Platform.Tests.Common;

public class SignalTests
{
    [Fact]
    public void A_failing_subscriber_is_logged_and_the_others_still_get_the_change()
    {
        var log = new CapturingLogger();
        var signal = new Signal<int>(log, "test signal");
        var seen = new List<int>();
        using var first = signal.Subscribe(_ => throw new InvalidOperationException("closed circuit"));
        using var second = signal.Subscribe(seen.Add);

        signal.Publish(7); // must not throw into the publisher (a worker, a save)

        Assert.Equal([7], seen);
        var entry = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Contains("test signal", entry.Message);
        Assert.IsType<InvalidOperationException>(entry.Exception);
    }

    [Fact]
    public void Disposing_a_subscription_ends_it_once_even_when_disposed_twice()
    {
        var signal = new Signal<string>(new CapturingLogger(), "test signal");
        var seen = new List<string>();
        var subscription = signal.Subscribe(seen.Add);
        using var other = signal.Subscribe(seen.Add); // the same handler twice: two subscriptions

        signal.Publish("a");
        subscription.Dispose();
        subscription.Dispose();
        signal.Publish("b");

        Assert.Equal(["a", "a", "b"], seen);
        Assert.Equal(1, signal.SubscriberCount);
    }

    private sealed class CapturingLogger : ILogger
    {
        public List<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception), exception));
    }
}
