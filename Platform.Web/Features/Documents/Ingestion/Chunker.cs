using System.Globalization;
using System.Text.RegularExpressions;

namespace Platform.Web.Features.Documents.Ingestion;

/// <summary>A chunk as a character range of the document's text, with its estimated size and heading path.</summary>
public sealed record ChunkSpan(int Start, int End, int Tokens, string? Section);

/// <summary>
/// Splits extracted text into chunks of at most <c>maxTokens</c> model tokens (<see cref="TokenEstimator"/>, the
/// embedding model's own tokenizer; never more than <see cref="MaxModelTokens"/>, so the model reads every chunk
/// whole, with its title and section line) that follow the document's structure: a heading
/// starts a new chunk (unless the current one is still small), paragraphs stay whole when they fit, oversized
/// paragraphs are cut at sentences, then words, then characters (never inside a surrogate pair or a combined
/// character). A chunk cut for size repeats the last ~<c>overlapTokens</c> of the previous one.
/// Chunks are exact substrings of the text, so a viewer can highlight them by offset.
/// </summary>
public sealed partial class Chunker(int requestedMaxTokens = Chunker.MaxModelTokens, int overlapTokens = 64)
{
    /// <summary>The model's 512 positions, less [CLS]/[SEP] and ~30 tokens for the title and section line that
    /// travel with every chunk into the embedding.</summary>
    public const int MaxModelTokens = Platform.Web.Ai.Embeddings.ArcticXsModel.MaxInputTokens - 2 - 30;

    private readonly int maxTokens = Math.Clamp(requestedMaxTokens, 1, MaxModelTokens);

    private sealed record Piece(int Start, int End, int Tokens, bool Heading, string? Section);

    public IReadOnlyList<ChunkSpan> Split(string text)
    {
        var pieces = Pieces(text);
        var chunks = new List<ChunkSpan>();
        var current = new List<Piece>();
        var tokens = 0;

        void Close(bool carryOverlap)
        {
            if (current.Count == 0) return;
            chunks.Add(new ChunkSpan(current[0].Start, current[^1].End, tokens, current.FirstOrDefault(p => !p.Heading)?.Section ?? current[0].Section));
            var carried = new List<Piece>();
            if (carryOverlap)
            {
                var sum = 0;
                for (var i = current.Count - 1; i > 0 && sum + current[i].Tokens <= overlapTokens && !current[i].Heading; i--)
                {
                    carried.Insert(0, current[i]);
                    sum += current[i].Tokens;
                }
            }
            current = carried;
            tokens = carried.Sum(p => p.Tokens);
        }

        foreach (var piece in pieces)
        {
            if (piece.Heading && tokens >= maxTokens / 4) Close(carryOverlap: false);
            else if (tokens + piece.Tokens > maxTokens) Close(carryOverlap: true);
            // The overlap plus this piece must still fit; drop overlap pieces from the front until it does.
            while (current.Count > 0 && tokens + piece.Tokens > maxTokens)
            {
                tokens -= current[0].Tokens;
                current.RemoveAt(0);
            }
            current.Add(piece);
            tokens += piece.Tokens;
        }
        Close(carryOverlap: false);
        return chunks;
    }

    /// <summary>Headings and paragraphs, with oversized paragraphs already cut into pieces that fit.</summary>
    private List<Piece> Pieces(string text)
    {
        var pieces = new List<Piece>();
        var headings = new string?[7];
        string? Path() => string.Join(" › ", headings.Skip(1).Where(h => h is not null)) is { Length: > 0 } p ? p : null;

        foreach (Match block in BlockPattern().Matches(text))
        {
            if (string.IsNullOrWhiteSpace(block.Value)) continue;
            var (start, end) = (block.Index, block.Index + block.Length);
            var heading = HeadingPattern().Match(block.Value);
            if (heading.Success && heading.Index != 0) heading = Match.Empty;
            if (heading.Success && !block.Value.Contains('\n'))
            {
                var level = heading.Groups[1].Length;
                headings[level] = heading.Groups[2].Value.Trim();
                for (var i = level + 1; i < headings.Length; i++) headings[i] = null;
                pieces.Add(new Piece(start, end, TokenEstimator.Count(block.ValueSpan), true, Path()));
                continue;
            }
            // A paragraph that begins with a heading line (no blank line after it): split the heading off.
            if (heading.Success)
            {
                var nl = block.Value.IndexOf('\n');
                var level = heading.Groups[1].Length;
                headings[level] = block.Value[(level + 1)..nl].Trim();
                for (var i = level + 1; i < headings.Length; i++) headings[i] = null;
                pieces.Add(new Piece(start, start + nl, TokenEstimator.Count(block.ValueSpan[..nl]), true, Path()));
                start += nl + 1;
            }
            Cut(text, start, end, Path(), pieces);
        }
        return pieces;
    }

    /// <summary>Adds [start, end) as one piece if it fits, else cut at sentences, words, then characters.</summary>
    private void Cut(string text, int start, int end, string? section, List<Piece> pieces)
    {
        var tokens = TokenEstimator.Count(text.AsSpan(start, end - start));
        if (tokens <= maxTokens)
        {
            pieces.Add(new Piece(start, end, tokens, false, section));
            return;
        }
        var boundaries = Boundaries(text, start, end, SentenceEnd());
        if (boundaries.Count <= 2) boundaries = Boundaries(text, start, end, WordGap());
        if (boundaries.Count > 2)
        {
            // Group consecutive units into pieces of at most half the overlap, so the overlap can be carried in
            // whole pieces; a single unit larger than that stays one piece (or is cut further if it cannot fit).
            var target = Math.Max(1, Math.Min(overlapTokens / 2, maxTokens / 4));
            var pieceStart = boundaries[0];
            for (var i = 1; i < boundaries.Count; i++)
            {
                var size = TokenEstimator.Count(text.AsSpan(pieceStart, boundaries[i] - pieceStart));
                if (size > target && boundaries[i - 1] > pieceStart)
                {
                    Emit(pieceStart, boundaries[i - 1]);
                    pieceStart = boundaries[i - 1];
                }
            }
            Emit(pieceStart, end);
            return;

            void Emit(int from, int to)
            {
                var size = TokenEstimator.Count(text.AsSpan(from, to - from));
                if (size > maxTokens) CutCharacters(text, from, to, section, pieces);
                else pieces.Add(new Piece(from, to, size, false, section));
            }
        }
        CutCharacters(text, start, end, section, pieces);
    }

    private static List<int> Boundaries(string text, int start, int end, Regex separator)
    {
        var list = new List<int> { start };
        foreach (Match m in separator.Matches(text[start..end])) if (start + m.Index + m.Length < end) list.Add(start + m.Index + m.Length);
        list.Add(end);
        return list;
    }

    /// <summary>One unbroken run (a long URL, base64, a CJK paragraph without spaces): cut between text elements.</summary>
    private void CutCharacters(string text, int start, int end, string? section, List<Piece> pieces)
    {
        var target = Math.Max(1, Math.Min(overlapTokens / 2, maxTokens / 4));
        var pieceStart = start;
        var elements = StringInfo.GetTextElementEnumerator(text[start..end]);
        while (elements.MoveNext())
        {
            var at = start + elements.ElementIndex + elements.GetTextElement().Length;
            var size = TokenEstimator.Count(text.AsSpan(pieceStart, at - pieceStart));
            if (size >= target || at == end)
            {
                pieces.Add(new Piece(pieceStart, at, size, false, section));
                pieceStart = at;
            }
        }
    }

    [GeneratedRegex(@"[^\n]+(?:\n[^\n]+)*")]
    private static partial Regex BlockPattern();

    [GeneratedRegex(@"^(#{1,6})[ \t]+(.+)$", RegexOptions.Multiline)]
    private static partial Regex HeadingPattern();

    [GeneratedRegex(@"(?<=[.!?。！？])\s+")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WordGap();
}
