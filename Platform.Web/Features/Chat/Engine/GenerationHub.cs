using System.Text;
using Platform.Data.Tenant.Entities;

namespace Platform.Web.Features.Chat.Engine;

/// <summary>What a subscriber sees of a live generation at one instant.</summary>
public sealed record GenerationSnapshot(Guid MessageId, string Text, string Status, string? Error, long Version);

/// <summary>
/// The live state of one generation, in this process: the text so far and who is watching. Subscribers (a
/// circuit's message view, another tab, a benchmark) get a "changed" signal and read <see cref="Snapshot"/> when
/// they render, so a burst of tokens costs them one render. A reload joins the hub and sees everything so far.
/// </summary>
/// <remarks>
/// Single-instance by design: a circuit on another app instance cannot join this hub. A multi-instance
/// deployment needs a backplane (e.g. Redis pub/sub keyed by message id, publishing deltas with a sequence
/// number, the joiner seeding from the persisted text and applying deltas after it) — until then such a
/// circuit falls back to polling the periodically flushed message.
/// </remarks>
public sealed class GenerationHub
{
    private readonly object _gate = new();
    private readonly StringBuilder _text;
    private readonly CancellationTokenSource _cancel = new();
    private string _status = MessageStatus.Streaming;
    private string? _error;
    private long _version;

    public GenerationHub(Guid workspaceId, Guid userId, Guid chatId, Guid messageId, ILogger<GenerationHub> logger,
        string persistedText = "")
    {
        Changed = new Signal<GenerationHub>(logger, nameof(GenerationHub));
        WorkspaceId = workspaceId;
        UserId = userId;
        ChatId = chatId;
        MessageId = messageId;
        _text = new StringBuilder(persistedText);
    }

    public Guid WorkspaceId { get; }
    public Guid UserId { get; }
    public Guid ChatId { get; }
    public Guid MessageId { get; }

    /// <summary>Cancelled when the user stops the generation.</summary>
    public CancellationToken StopRequested => _cancel.Token;
    public bool IsStopRequested => _cancel.IsCancellationRequested;

    public void RequestStop() => _cancel.Cancel();

    public GenerationSnapshot Snapshot()
    {
        lock (_gate) return new GenerationSnapshot(MessageId, _text.ToString(), _status, _error, _version);
    }

    /// <summary>Text and version only when changed since <paramref name="sinceVersion"/> (cheap flush checks).</summary>
    public bool TryGetTextIfChanged(long sinceVersion, out string text, out long version)
    {
        lock (_gate)
        {
            version = _version;
            text = version == sinceVersion ? "" : _text.ToString();
            return version != sinceVersion;
        }
    }

    public void Append(string delta)
    {
        if (delta.Length == 0) return;
        lock (_gate)
        {
            _text.Append(delta);
            _version++;
        }
        Notify();
    }

    public void Finish(string status, string? error)
    {
        lock (_gate)
        {
            _status = status;
            _error = error;
            _version++;
        }
        Notify();
    }

    /// <summary>"Changed": joins the stream. Subscribers run on the generation's thread: keep them tiny (flag +
    /// schedule) and read <see cref="Snapshot"/> when rendering.</summary>
    public Signal<GenerationHub> Changed { get; }

    private void Notify() => Changed.Publish(this);
}
