using System.Runtime.CompilerServices;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;

namespace Platform.Web.Ai.Chat;

/// <summary>
/// The built-in assistant of a fresh install (no keys, no internet): it does not reason, it quotes the most
/// relevant knowledge passages with numbered citations, streamed like a model would. The passages come in
/// <see cref="ChatOptions.AdditionalProperties"/> under <see cref="PassagesKey"/>, already ranked by retrieval.
/// </summary>
public sealed partial class OfflineAssistant : IChatClient
{
    public const string ModelId = "offline-retrieval";
    public const string PassagesKey = "platform.passages";

    /// <summary>Pause between streamed pieces, so the answer reads as a stream (0 in tests and benchmarks).</summary>
    public TimeSpan ChunkDelay { get; set; } = TimeSpan.FromMilliseconds(15);

    private static readonly HashSet<string> StopWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "and", "for", "are", "what", "how", "who", "when", "where", "which", "does", "did", "can", "you",
        "your", "our", "about", "with", "this", "that", "there", "have", "has", "many", "much", "tell", "say", "says",
        "from", "into", "please", "should", "would", "could", "will", "any", "all", "get", "its", "why",
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
        var answer = Compose(question, passages);

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

    /// <summary>The answer: up to three passages, each reduced to the sentences that match the question.</summary>
    public static string Compose(string question, IReadOnlyList<KnowledgePassage> passages)
    {
        if (passages.Count == 0)
            return "I found nothing in this workspace's knowledge base that matches your question, so I can't answer it " +
                   "from there. Try other words, or add a document that covers it.\n\n*Offline assistant — retrieval only.*";

        var terms = Terms(question);
        var sb = new StringBuilder("Here is what the knowledge base says:\n\n");
        var top = passages[0].Score;
        for (var i = 0; i < Math.Min(3, passages.Count); i++)
        {
            // Weak runners-up add noise, not answers.
            if (i > 0 && passages[i].Score < top * 0.5) break;
            var quote = BestSentences(passages[i].Content, terms);
            sb.Append("> ").Append(quote.Replace("\n", " ")).Append(" [").Append(i + 1).Append("]\n\n");
        }
        sb.Append("*Offline assistant — retrieval only: these are quotes from your documents, not a generated answer.*");
        return sb.ToString();
    }

    private static string BestSentences(string content, HashSet<string> terms)
    {
        // Headings are labels, not quotes; single line breaks are soft wraps inside a sentence.
        var body = string.Join("\n", content.Split('\n').Where(l => !HeadingMarks().IsMatch(l)));
        var sentences = SentenceSplit().Split(body)
            .Select(s => s.ReplaceLineEndings(" ").Trim())
            .Where(s => s.Length > 0).ToList();
        if (sentences.Count == 0) return content.Trim();
        var ranked = sentences.Select((s, i) => (s, i, score: Terms(s).Count(terms.Contains)))
            .Where(x => x.score > 0).OrderByDescending(x => x.score).ThenBy(x => x.i).Take(2).OrderBy(x => x.i).ToList();
        var chosen = ranked.Count > 0 ? ranked.Select(x => x.s) : sentences.Take(2);
        var text = string.Join(" ", chosen);
        return text.Length > 600 ? text[..600] + "…" : text;
    }

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

    [GeneratedRegex(@"(?<=[.!?])\s+|\n\s*\n")]
    private static partial Regex SentenceSplit();

    [GeneratedRegex(@"^\s*#{1,6}\s")]
    private static partial Regex HeadingMarks();

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex Words();
}
