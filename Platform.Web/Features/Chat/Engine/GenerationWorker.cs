using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Platform.Web.Features.Chat.Engine;

/// <summary>
/// Runs generations in the background, each as its own task, independent of any circuit: closing the tab does
/// not stop an answer. On shutdown the running ones are told to stop and write themselves down as interrupted.
/// </summary>
public sealed class GenerationWorker(GenerationRegistry registry, IServiceProvider services, ILogger<GenerationWorker> logger)
    : BackgroundService
{
    private readonly Channel<GenerationHub> _queue = Channel.CreateUnbounded<GenerationHub>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<Guid, Task> _running = new();

    /// <summary>Makes the hub visible to subscribers at once and queues its run.</summary>
    public bool Start(GenerationHub hub)
    {
        if (!registry.TryAdd(hub)) return false;
        if (_queue.Writer.TryWrite(hub)) return true;
        registry.Remove(hub);
        return false;
    }

    public int Running => _running.Count;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var hub in _queue.Reader.ReadAllAsync(stoppingToken))
            {
                var runner = services.GetRequiredService<GenerationRunner>();
                var task = Task.Run(() => runner.RunAsync(hub, stoppingToken), CancellationToken.None);
                _running[hub.MessageId] = task;
                _ = task.ContinueWith(t =>
                {
                    _running.TryRemove(hub.MessageId, out _);
                    if (t.Exception is { } e) logger.LogError(e, "Generation {MessageId} crashed", hub.MessageId);
                }, TaskScheduler.Default);
            }
        }
        catch (OperationCanceledException) { }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // Give running generations a moment to persist their partial text as interrupted.
        var all = Task.WhenAll(_running.Values);
        await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(10), cancellationToken));
    }
}
