using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace Platform.Web.Ai.Chat;

/// <summary>
/// The built-in assistant of a fresh install (no keys, no internet): it does not reason or write; it quotes the
/// sentences of the retrieved knowledge passages that answer the question (chosen by <see cref="SentenceRanker"/>),
/// in document order, each with its citation number, streamed like a model would. The passages come in
/// <see cref="ChatOptions.AdditionalProperties"/> under <see cref="PassagesKey"/>, already ranked by retrieval.
/// </summary>
public sealed partial class OfflineAssistant(IEmbeddingGenerator<string, Embedding<float>>? embedder = null) : IChatClient
{
    public const string ModelId = "offline-retrieval";
    public const string PassagesKey = "platform.passages";

    public const string NothingFound =
        "I found nothing in this workspace's knowledge base that answers your question, so I can't answer it from there. " +
        "Try other words, or add a document that covers it.";

    private const string Footer = "*Offline assistant — retrieval only: these are quotes from your documents, not a generated answer.*";

    /// <summary>Pause between streamed pieces, so the answer reads as a stream (0 in tests and benchmarks).</summary>
    public TimeSpan ChunkDelay { get; set; } = TimeSpan.FromMilliseconds(15);

    private readonly SentenceRanker _ranker = new(embedder);

    private static readonly HashSet<string> StopWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "and", "for", "are", "what", "how", "who", "when", "where", "which", "does", "did", "can", "you",
        "your", "our", "about", "with", "this", "that", "there", "have", "has", "many", "much", "tell", "say", "says",
        "from", "into", "please", "should", "would", "could", "will", "any", "all", "get", "its", "why",
        "was", "were", "been", "being", "is", "not", "but", "they", "them", "their", "then", "than", "also", "may",
        "must", "shall", "such", "these", "those", "some", "other", "each", "only", "more", "most", "very", "just",
    };

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken ct = default)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var u in GetStreamingResponseAsync(messages, options, ct)) updates.Add(u);
        return updates.ToChatResponse();
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages,
        ChatOptions? options = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var list = messages.ToList();
        var question = list.LastOrDefault(m => m.Role == ChatRole.User)?.Text ?? "";
        var passages = options?.AdditionalProperties?.TryGetValue(PassagesKey, out var p) == true
            ? p as IReadOnlyList<KnowledgePassage> ?? [] : [];
        var answer = await AnswerAsync(question, passages, ct);

        foreach (var piece in Pieces(answer))
        {
            ct.ThrowIfCancellationRequested();
            if (ChunkDelay > TimeSpan.Zero) await Task.Delay(ChunkDelay, ct);
            yield return new ChatResponseUpdate(ChatRole.Assistant, piece) { ModelId = ModelId };
        }
        var input = list.Sum(m => EstimateTokens(m.Text));
        yield return new ChatResponseUpdate
        {
            Role = ChatRole.Assistant, ModelId = ModelId, FinishReason = ChatFinishReason.Stop,
            Contents = [new UsageContent(new UsageDetails { InputTokenCount = input, OutputTokenCount = EstimateTokens(answer) })],
        };
    }

    /// <summary>The answer in Markdown: the chosen sentences as quotes, each cited with its passage's number.</summary>
    public async Task<string> AnswerAsync(string question, IReadOnlyList<KnowledgePassage> passages, CancellationToken ct = default)
    {
        var quotes = passages.Count == 0 ? [] : await _ranker.PickAsync(question, passages, ct);
        return Compose(quotes);
    }

    public static string Compose(IReadOnlyList<QuotedSentence> quotes)
    {
        if (quotes.Count == 0) return NothingFound + "\n\n" + Footer;
        var sb = new StringBuilder("Here is what the knowledge base says:\n\n");
        // Consecutive sentences of one passage read as one quote; each sentence still carries its number.
        foreach (var group in quotes.GroupAdjacent())
        {
            sb.Append("> ").AppendJoin(" ", group.Select(q => $"{EscapeMarkdown(q.Text)} [{q.Passage + 1}]")).Append("\n\n");
        }
        sb.Append(Footer);
        return sb.ToString();
    }

    /// <summary>Document text is quoted literally: characters Markdown would turn into emphasis, links or code are
    /// escaped (the renderer sanitizes anyway; this keeps "*.ext" from becoming italics).</summary>
    private static string EscapeMarkdown(string text) => MarkdownSpecials().Replace(text, @"\$0");

    public static HashSet<string> Terms(string text) =>
        Words().Matches(text.ToLowerInvariant()).Select(m => m.Value)
            .Where(w => w.Length >= 3 && !StopWords.Contains(w)).Select(Stem).ToHashSet();

    // Crude plural folding so "holidays" meets "holiday" without a real stemmer.
    private static string Stem(string w) => w.Length > 4 && w.EndsWith('s') && !w.EndsWith("ss") ? w[..^1] : w;

    private static IEnumerable<string> Pieces(string text)
    {
        // Word by word, keeping the spaces and line breaks, like a model's token stream.
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != ' ' && text[i] != '\n') continue;
            yield return text[start..(i + 1)];
            start = i + 1;
        }
        if (start < text.Length) yield return text[start..];
    }

    public static int EstimateTokens(string? text) => string.IsNullOrEmpty(text) ? 0 : Math.Max(1, text.Length / 4);

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose() { }

    [GeneratedRegex(@"[\\`*_\[\]<>#|~]")]
    private static partial Regex MarkdownSpecials();

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Words();
}

internal static class QuoteGrouping
{
    /// <summary>Runs of sentences from the same passage, in order.</summary>
    public static IEnumerable<List<QuotedSentence>> GroupAdjacent(this IReadOnlyList<QuotedSentence> quotes)
    {
        var run = new List<QuotedSentence>();
        foreach (var q in quotes)
        {
            if (run.Count > 0 && run[^1].Passage != q.Passage)
            {
                yield return run;
                run = [];
            }
            run.Add(q);
        }
        if (run.Count > 0) yield return run;
    }
}
