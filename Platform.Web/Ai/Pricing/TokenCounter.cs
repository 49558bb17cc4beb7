using Microsoft.ML.Tokenizers;

namespace Platform.Web.Ai.Pricing;

/// <summary>
/// Counts tokens when a provider reports no usage (some OpenAI-compatible servers, aborted streams). Uses the
/// o200k_base encoding (GPT-4o family) from the offline data package: no download at run time. For other model
/// families it is an estimate within a few percent, which is what the bill needs when nothing better exists.
/// </summary>
public sealed class TokenCounter
{
    // Loading the encoding takes ~100 ms and a few MB; one instance serves the whole app (thread-safe).
    private static readonly Lazy<Tokenizer> Encoding = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    /// <summary>Tokens a chat message costs beyond its text (role and separators), as in OpenAI's accounting.</summary>
    public const int PerMessageOverhead = 3;

    public int Count(string? text) => string.IsNullOrEmpty(text) ? 0 : Encoding.Value.CountTokens(text);

    /// <summary>Input tokens of a chat request: every message's text plus its overhead, plus the reply primer.</summary>
    public int CountMessages(IEnumerable<string> messages) =>
        messages.Sum(m => Count(m) + PerMessageOverhead) + PerMessageOverhead;
}
