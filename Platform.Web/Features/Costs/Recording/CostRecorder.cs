using System.Threading.Channels;
using Platform.Web.Ai;

namespace Platform.Web.Features.Costs.Recording;

/// <summary>
/// The chat path's side of cost recording: <see cref="Record"/> only appends to an in-memory channel (no I/O,
/// no lock, no pricing), and <see cref="CostEventWriter"/> turns the channel into batched COPYs. Unbounded on
/// purpose: dropping an event would lose money; if the database is down the buffer grows and the writer retries.
/// </summary>
public sealed class CostRecorder : IAiUsageRecorder
{
    private readonly Channel<AiUsage> _channel = Channel.CreateUnbounded<AiUsage>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private long _recorded;
    private long _written;
    private TaskCompletionSource _flushRequested = NewSignal();

    internal ChannelReader<AiUsage> Reader => _channel.Reader;

    public long Recorded => Interlocked.Read(ref _recorded);
    public long Written => Interlocked.Read(ref _written);

    public void Record(AiUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        // Count before writing so a flush that starts after Record returns waits for this event.
        Interlocked.Increment(ref _recorded);
        if (!_channel.Writer.TryWrite(usage)) Interlocked.Decrement(ref _recorded); // only after shutdown
    }

    /// <summary>Waits until every event recorded before the call is stored (tests, admin "refresh now").</summary>
    public async Task FlushAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        var target = Recorded;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        while (Written < target)
        {
            _flushRequested.TrySetResult();
            await Task.Delay(5, cts.Token);
        }
    }

    /// <summary>Completes when someone asked for an early flush (the writer then skips the rest of its wait).</summary>
    internal Task FlushRequested => _flushRequested.Task;

    internal void ResetFlushRequest()
    {
        if (_flushRequested.Task.IsCompleted) _flushRequested = NewSignal();
    }

    internal void MarkWritten(int count) => Interlocked.Add(ref _written, count);

    internal void Complete() => _channel.Writer.TryComplete();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
