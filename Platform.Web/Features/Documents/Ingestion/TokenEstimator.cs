using System.Globalization;
using System.Text;

namespace Platform.Web.Features.Documents.Ingestion;

/// <summary>
/// Estimates BPE tokens without a model vocabulary (within ~15% of cl100k on English prose): a word is one token
/// per four characters, punctuation one each, CJK one per character. Chunk sizes only need to be about right.
/// </summary>
public static class TokenEstimator
{
    public static int Count(ReadOnlySpan<char> text)
    {
        var tokens = 0;
        var word = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsLetterOrDigit(rune) && !IsCjk(rune)) { word++; continue; }
            if (word > 0) { tokens += (word + 3) / 4; word = 0; }
            if (!Rune.IsWhiteSpace(rune)) tokens++;
        }
        if (word > 0) tokens += (word + 3) / 4;
        return tokens;
    }

    private static bool IsCjk(Rune r) => Rune.GetUnicodeCategory(r) == UnicodeCategory.OtherLetter && r.Value >= 0x2E80;
}
