using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.AI;
using Platform.Data.Tenancy;
using Platform.Data.Text;
using Platform.Data.Tenant.Entities;
using Platform.Web.Ai;
using Platform.Web.Ai.Chat;
using Platform.Web.Ai.Pricing;

namespace Platform.Web.Features.Chat.Engine;

/// <summary>
/// After an answer: the chat's automatic title (first exchange only, never over a user's title) and 2–3
/// follow-up suggestions. Each is its own model call, budgeted and recorded like the answer. The offline
/// assistant derives both from the question and the passages. Failures here never touch the answer.
/// </summary>
public sealed partial class FollowUpWriter(
    TenantDbFactory tenants, IAiBudgetGuard budget, IAiUsageRecorder usage, PriceTable prices, TokenCounter tokens,
    ILogger<FollowUpWriter> logger)
{
    public async Task WriteAsync(GenerationHub hub, ChatProvider provider, string question, string answer,
        IReadOnlyList<Citation> citations, CancellationToken ct)
    {
        try
        {
            bool needsTitle;
            await using (var db = await tenants.OpenAsync(hub.WorkspaceId, hub.UserId, ct))
                needsTitle = await db.Chats.AnyAsync(c => c.Id == hub.ChatId && !c.TitleIsCustom && c.Title == NewChatTitle, ct);

            var title = needsTitle ? await TitleAsync(hub, provider, question, answer, ct) : null;
            var suggestions = await SuggestionsAsync(hub, provider, question, answer, citations, ct);

            await using var write = await tenants.OpenAsync(hub.WorkspaceId, hub.UserId, ct);
            if (title is not null)
                await write.Chats.Where(c => c.Id == hub.ChatId && !c.TitleIsCustom)
                    .ExecuteUpdateAsync(s => s.SetProperty(c => c.Title, PostgresText.Clean(title)), ct);
            for (var i = 0; i < suggestions.Count; i++)
                write.MessageSuggestions.Add(new MessageSuggestion { MessageId = hub.MessageId, Position = i, Text = suggestions[i] });
            await write.CommitAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Title/suggestions for message {MessageId} failed", hub.MessageId);
        }
    }

    public const string NewChatTitle = "New chat";

    /// <summary>Output limit of a title or suggestions call (sent as max_tokens, and what its reservation assumes).</summary>
    private const int MaxOutputTokens = 120;

    private async Task<string?> TitleAsync(GenerationHub hub, ChatProvider provider, string question, string answer, CancellationToken ct)
    {
        var text = await AskAsync(hub, provider, "title", [
            new(ChatRole.System, "Write a title of at most six words for this conversation. Reply with the title only, no quotes."),
            new(ChatRole.User, $"Question: {Truncate(question, 1000)}\n\nAnswer: {Truncate(answer, 1000)}"),
        ], () => OfflineTitle(question), ct);
        var title = text?.Trim().Trim('"', '\'', '*', '#', ' ').ReplaceLineEndings(" ");
        return string.IsNullOrWhiteSpace(title) ? OfflineTitle(question) : Truncate(title, 80);
    }

    private async Task<IReadOnlyList<string>> SuggestionsAsync(GenerationHub hub, ChatProvider provider, string question,
        string answer, IReadOnlyList<Citation> citations, CancellationToken ct)
    {
        var text = await AskAsync(hub, provider, "suggestions", [
            new(ChatRole.System, "Suggest three short follow-up questions the user could ask next about the same knowledge base. " +
                                 "One per line, no numbering, each under 12 words."),
            new(ChatRole.User, $"Question: {Truncate(question, 1000)}\n\nAnswer: {Truncate(answer, 2000)}"),
        ], () => string.Join('\n', OfflineSuggestions(question, citations)), ct);
        return (text ?? "").Split('\n').Select(l => ListMarks().Replace(l, "").Trim())
            .Where(l => l.Length is > 3 and <= 200).Distinct(StringComparer.OrdinalIgnoreCase).Take(3).ToList();
    }

    private async Task<string?> AskAsync(GenerationHub hub, ChatProvider provider, string operation, List<ChatMessage> prompt,
        Func<string> offline, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        long input = tokens.CountMessages(prompt.Select(m => m.Text)), output = 0;
        // Like the answer: reserve the most this call can cost, with the same output limit sent to the provider.
        var reservation = await budget.ReserveAsync(hub.WorkspaceId, hub.UserId, AiService.Llm,
            prices.MaxCost(provider.Name, provider.Model, input, MaxOutputTokens), ct);
        if (!reservation.Allowed) return null;
        string? text = null;
        string? error = null;
        try
        {
            if (provider.IsOffline) text = offline();
            else
            {
                var response = await provider.Client.GetResponseAsync(prompt, new ChatOptions { ModelId = provider.Model, MaxOutputTokens = MaxOutputTokens }, ct);
                text = response.Text;
                input = response.Usage?.InputTokenCount ?? input;
                output = response.Usage?.OutputTokenCount ?? tokens.Count(text);
            }
            if (provider.IsOffline) output = OfflineAssistant.EstimateTokens(text);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            error = ProviderFailure.From(e, false).Kind;
        }
        finally
        {
            await reservation.SettleAsync(prices.Quote(provider.Name, provider.Model, input, output).CostUsd);
        }
        usage.Record(new AiUsage(hub.WorkspaceId, hub.UserId, AiService.Llm, provider.Name, provider.Model, input, output,
            clock.Elapsed, error is null, hub.ChatId, hub.MessageId, operation, error));
        return text;
    }

    public static string OfflineTitle(string question)
    {
        var words = question.ReplaceLineEndings(" ").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var whole = string.Join(' ', words);
        var title = (whole.Length <= 60 ? whole : string.Join(' ', words.Take(8)) + "…").TrimEnd('?', '.', '!', ',');
        if (title.Length == 0) return NewChatTitle;
        title = char.ToUpperInvariant(title[0]) + title[1..];
        return Truncate(title, 80);
    }

    /// <summary>
    /// Offline follow-ups: questions about the other sections the cited passages sit in or contain ("## Expenses"
    /// → "What does “Handbook” say about expenses?"), built only from headings that read as names of a topic — never
    /// from sentences or fragments. None when there are no such headings: no suggestion beats a broken one.
    /// </summary>
    public static IReadOnlyList<string> OfflineSuggestions(string question, IReadOnlyList<Citation> citations)
    {
        var asked = OfflineAssistant.Terms(question);
        var topics = new List<(string Topic, string Title)>();
        foreach (var c in citations)
        {
            var headings = (c.Section?.Split(" › ") ?? []).Reverse()
                .Concat(Headings().Matches(c.Excerpt).Select(m => m.Groups[1].Value));
            topics.AddRange(headings.Select(h => h.Trim().TrimEnd('#').Trim()).Where(IsTopic).Select(h => (h, c.Title)));
        }
        return topics
            .Where(t => !OfflineAssistant.Terms(t.Topic).IsSubsetOf(asked) && !t.Topic.Equals(t.Title, StringComparison.OrdinalIgnoreCase))
            .DistinctBy(t => t.Topic.ToLowerInvariant())
            .Take(3)
            .Select(t => t.Title.Length <= 40 && IsTopic(t.Title)
                ? $"What does “{t.Title}” say about {AsPhrase(t.Topic)}?"
                : $"What does the knowledge base say about {AsPhrase(t.Topic)}?")
            .ToList();
    }

    private static readonly HashSet<string> NotATopicEnd = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "a", "an", "of", "by", "to", "and", "or", "for", "in", "on", "with", "from", "at", "as", "is", "are", "was",
        "were", "be", "that", "this", "which", "who", "if", "when", "than", "but",
    };

    private static readonly HashSet<string> Verbs = new(StringComparer.OrdinalIgnoreCase)
    {
        "is", "are", "was", "were", "be", "been", "being", "has", "have", "had", "do", "does", "did", "will", "would",
        "can", "could", "should", "must", "may", "might", "shall", "generated", "created", "written", "edited",
    };

    /// <summary>A heading that names a topic: 1–8 words, starts with a letter, no sentence punctuation, no verb
    /// ("This file was automatically generated by the…" is a banner, not a topic), no dangling article or
    /// preposition at the end, not a page label or a version banner.</summary>
    internal static bool IsTopic(string heading)
    {
        var words = heading.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length is 0 or > 8 || heading.Length > 60 || !char.IsLetter(heading[0])) return false;
        if (heading.IndexOfAny(['.', '?', '!', ';', '"', '“', '”', '…', '|', '[', ']', '<', '>', '=', '{', '}']) >= 0) return false;
        if (words.Any(w => Verbs.Contains(w.Trim(',', ':'))) || NotATopicEnd.Contains(words[^1])) return false;
        if (PageOrVersion().IsMatch(heading)) return false;
        return heading.Count(char.IsLetter) >= 3;
    }

    /// <summary>The heading as part of a sentence: lower-cased unless a word looks like a name or an acronym.</summary>
    private static string AsPhrase(string topic) =>
        string.Join(' ', topic.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.Skip(1).Any(char.IsUpper) || w.All(c => !char.IsLetter(c) || char.IsUpper(c)) ? w : w.ToLowerInvariant()))
            .TrimEnd(':', ',');

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];

    [GeneratedRegex(@"^\s*(?:[-*•]|\d+[.)])\s*")]
    private static partial Regex ListMarks();

    [GeneratedRegex(@"(?m)^#{1,6}\s+(.+)$")]
    private static partial Regex Headings();

    [GeneratedRegex(@"^(?:page|version|revision|release|draft|v)\s*[\d.]+$|^\d", RegexOptions.IgnoreCase)]
    private static partial Regex PageOrVersion();
}
