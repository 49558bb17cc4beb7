using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data.Main.Entities;
using Platform.Web.Ai;
using Platform.Web.Ai.Pricing;
using Platform.Web.Features.Costs.Budgets;
using Platform.Web.Infrastructure;

namespace Platform.Web.Features.Costs.Recording;

/// <summary>
/// Drains <see cref="CostRecorder"/> every flush interval (or sooner when asked) into batched COPYs, prices each
/// call from the price table, retries a failed batch (ids make retries idempotent) and flushes everything left
/// on shutdown. A crash (kill -9, power loss) can lose at most the events of the last flush interval.
/// </summary>
public sealed class CostEventWriter(
    CostRecorder recorder, CostEventStore store, PriceTable prices, CostNotifications notifications,
    IOptions<CostsOptions> options, WorkerHeartbeats heartbeats, ILogger<CostEventWriter> logger) : BackgroundService
{
    public const string Name = "Cost writer";

    private readonly ConcurrentDictionary<string, bool> _unpricedWarned = new(StringComparer.OrdinalIgnoreCase);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        heartbeats.Register(Name, every: null, () => $"{recorder.Recorded - recorder.Written:N0} events waiting, {recorder.Written:N0} stored since start");
        try
        {
            while (await recorder.Reader.WaitToReadAsync(stoppingToken))
            {
                // Gather for one interval so a busy second becomes one COPY; a flush request cuts the wait short.
                await Task.WhenAny(Task.Delay(options.Value.FlushInterval, stoppingToken), recorder.FlushRequested);
                recorder.ResetFlushRequest();
                await DrainAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: StopAsync drains what is left.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        recorder.Complete();
        await DrainAsync(cancellationToken, stopping: true);
        if (recorder.Recorded > recorder.Written)
            logger.LogError("Shutdown: {Count} cost events could not be stored before the host's shutdown timeout",
                recorder.Recorded - recorder.Written);
    }

    private async Task DrainAsync(CancellationToken ct, bool stopping = false)
    {
        var batch = new List<CostEvent>(Math.Min(options.Value.MaxBatch, 1024));
        while (true)
        {
            batch.Clear();
            while (batch.Count < options.Value.MaxBatch && recorder.Reader.TryRead(out var usage)) batch.Add(ToEvent(usage));
            if (batch.Count == 0) return;
            await WriteWithRetryAsync(batch, ct, stopping);
            recorder.MarkWritten(batch.Count);
        }
    }

    private async Task WriteWithRetryAsync(List<CostEvent> batch, CancellationToken ct, bool stopping)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var result = await store.WriteAsync(batch, CancellationToken.None);
                heartbeats.Ok(Name);
                foreach (var workspace in result.Alerts.Select(a => a.WorkspaceId).Distinct()) notifications.RaiseAlerts(workspace);
                return;
            }
            catch (PostgresException e) when (!e.IsTransient)
            {
                // A row the database refuses would block every event behind it: store the others one by one.
                logger.LogError(e, "Cost batch of {Count} refused; storing events one by one", batch.Count);
                await WriteOneByOneAsync(batch);
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException)
            {
                if (stopping && (attempt >= 5 || ct.IsCancellationRequested))
                {
                    logger.LogCritical(e, "Shutdown: {Count} cost events lost (database unreachable): {Events}", batch.Count,
                        string.Join("; ", batch.Select(x => $"{x.WorkspaceId}/{x.Id} {x.Model} ${x.CostUsd}")));
                    return;
                }
                logger.LogWarning(e, "Cost batch of {Count} failed (attempt {Attempt}); retrying", batch.Count, attempt);
                heartbeats.Failed(Name, e);
                await Task.Delay(delay, CancellationToken.None);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
        }
    }

    private async Task WriteOneByOneAsync(List<CostEvent> batch)
    {
        foreach (var e in batch)
        {
            try { await store.WriteAsync([e]); }
            catch (NpgsqlException x)
            {
                logger.LogCritical(x, "Cost event refused and dropped: {Workspace}/{Id} {Service} {Model} ${Cost}",
                    e.WorkspaceId, e.Id, e.Service, e.Model, e.CostUsd);
            }
        }
    }

    internal CostEvent ToEvent(AiUsage u)
    {
        var quote = prices.Quote(u.Provider, u.Model, u.InputTokens, u.OutputTokens);
        if (!quote.Known && _unpricedWarned.TryAdd(u.Model, true))
            logger.LogWarning("No price for model {Model} ({Provider}); its calls are recorded at $0. Add it to Pricing:Models.", u.Model, u.Provider);
        return CostEventFactory.Create(u, quote.CostUsd);
    }
}

/// <summary>AiUsage → CostEvent, clipped to the column sizes so one odd value cannot poison a batch.</summary>
public static class CostEventFactory
{
    public static CostEvent Create(AiUsage u, decimal costUsd) => new()
    {
        WorkspaceId = u.WorkspaceId,
        Id = u.CallId,
        UserId = u.UserId,
        VisitorId = Clip(u.VisitorId, 64),
        ChatId = u.ChatId,
        MessageId = u.MessageId,
        Service = Clip(u.Service, 20) ?? AiService.Llm,
        Provider = Clip(u.Provider, 60) ?? "unknown",
        Model = Clip(u.Model, 120) ?? "unknown",
        Operation = Clip(u.Operation, 40),
        InputTokens = Math.Max(0, u.InputTokens),
        OutputTokens = Math.Max(0, u.OutputTokens),
        CostUsd = costUsd,
        LatencyMs = (int)Math.Clamp(u.Latency.TotalMilliseconds, 0, int.MaxValue),
        Success = u.Success,
        Error = Clip(u.Error, 500),
        OccurredAt = u.OccurredAt,
    };

    private static string? Clip(string? s, int max) => s is null ? null : s.Length <= max ? s : s[..max];
}
