using Microsoft.Extensions.Options;

namespace Platform.Web.Features.Chat.Engine;

/// <summary>
/// At most <see cref="ChatEngineOptions.MaxConcurrentGenerationsPerWorkspace"/> generations of one workspace run at
/// once; the others wait (first come, first served) without holding up other workspaces. One gate per workspace
/// with a waiter, dropped when the last one leaves, so idle workspaces cost nothing.
/// </summary>
/// <remarks>Counts this instance only: the worker(s) of one process share this singleton. With several app
/// instances each allows the limit, so the cap multiplies by the instance count; a shared counter (Redis, like the
/// other cross-instance signals) is needed before scaling out.</remarks>
public sealed class WorkspaceGenerationSlots(IOptions<ChatEngineOptions> options)
{
    private readonly Dictionary<Guid, Gate> _gates = new();

    private sealed class Gate(int slots)
    {
        public readonly SemaphoreSlim Semaphore = new(slots, slots);
        public int Users;
    }

    /// <summary>Running in this instance for the workspace now (tests, health).</summary>
    public int Running(Guid workspaceId)
    {
        lock (_gates)
            return _gates.TryGetValue(workspaceId, out var g) ? Limit - g.Semaphore.CurrentCount : 0;
    }

    private int Limit => Math.Max(1, options.Value.MaxConcurrentGenerationsPerWorkspace);

    /// <summary>Waits for a slot of the workspace; dispose the result to give it back.</summary>
    public async Task<IDisposable> AcquireAsync(Guid workspaceId, CancellationToken ct)
    {
        Gate gate;
        lock (_gates)
        {
            if (!_gates.TryGetValue(workspaceId, out gate!)) _gates[workspaceId] = gate = new Gate(Limit);
            gate.Users++;
        }
        try
        {
            await gate.Semaphore.WaitAsync(ct);
        }
        catch
        {
            Leave(workspaceId, gate);
            throw;
        }
        return new Slot(this, workspaceId, gate);
    }

    private void Leave(Guid workspaceId, Gate gate)
    {
        lock (_gates)
            if (--gate.Users == 0) _gates.Remove(workspaceId);
    }

    private sealed class Slot(WorkspaceGenerationSlots owner, Guid workspaceId, Gate gate) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            gate.Semaphore.Release();
            owner.Leave(workspaceId, gate);
        }
    }
}
