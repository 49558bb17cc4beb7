namespace Platform.Data.Text;

/// <summary>
/// PostgreSQL <c>text</c> cannot hold U+0000 (the insert is refused) and Npgsql cannot encode a lone UTF-16
/// surrogate (the write throws). Text from users, models, files and Git repositories can carry either, so every
/// boundary where text enters the database cleans it here: NULs are dropped, lone surrogates become U+FFFD.
/// </summary>
public static class PostgresText
{
    public const char Replacement = '\uFFFD';

    /// <summary>The text without NULs and with lone surrogates replaced; the same instance when it was clean.</summary>
    public static string Clean(string text)
    {
        if (IsClean(text)) return text;
        var result = new char[text.Length];
        var length = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0') continue;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                result[length++] = c;
                result[length++] = text[++i];
                continue;
            }
            result[length++] = char.IsSurrogate(c) ? Replacement : c;
        }
        return new string(result, 0, length);
    }

    /// <inheritdoc cref="Clean(string)"/>
    public static string? CleanOrNull(string? text) => text is null ? null : Clean(text);

    public static bool IsClean(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0') return false;
            if (!char.IsSurrogate(c)) continue;
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
            return false;
        }
        return true;
    }
}
