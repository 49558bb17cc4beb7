using System.Text;

namespace Platform.Web.Features.Documents.Ingestion;

/// <summary>A CSV table as one line per row, each value labelled with its column ("name: Ada; team: Ops"), so a
/// chunk of rows still says what each value means. Rows are read one at a time and the limits
/// (<see cref="DocumentsOptions.MaxCsvColumns"/>, <see cref="DocumentsOptions.MaxCsvFieldChars"/>, the size of the
/// text) are checked while reading: a hostile table fails early instead of growing the process.</summary>
internal static class CsvExtractor
{
    public static ExtractionResult Extract(string csv, DocumentsOptions options, CancellationToken ct)
    {
        var reader = new CsvRows(csv, options.MaxCsvColumns, options.MaxCsvFieldChars);
        List<string>? header = null;
        var sb = new StringBuilder();
        var rows = 0;
        while (reader.Next() is { } row)
        {
            if ((++rows & 1023) == 0) ct.ThrowIfCancellationRequested();
            if (!row.Exists(v => v.Length > 0)) continue;
            if (header is null) { header = row; continue; }
            var first = true;
            for (var i = 0; i < row.Count; i++)
            {
                if (row[i].Length == 0) continue;
                if (!first) sb.Append("; ");
                first = false;
                sb.Append(i < header.Count && header[i].Length > 0 ? header[i] : $"column {i + 1}").Append(": ").Append(row[i]);
            }
            sb.Append('\n');
            if (sb.Length > options.MaxTextChars)
                return ExtractionResult.Fail($"The CSV file holds more than {options.MaxTextChars:N0} characters of text.");
        }
        if (reader.Error is not null) return ExtractionResult.Fail(reader.Error);
        if (header is null) return ExtractionResult.Fail("The CSV file has no rows.");
        if (sb.Length == 0) sb.AppendJoin("; ", header).Append('\n');
        return ExtractionResult.Ok(sb.ToString());
    }
}

/// <summary>RFC 4180 rows: commas (or semicolons when the first line has more of them), quotes doubled inside
/// quotes, line breaks inside quoted values. Stops with <see cref="Error"/> at a row with too many columns or a
/// value that is too long.</summary>
internal sealed class CsvRows(string csv, int maxColumns, int maxFieldChars)
{
    private readonly char _separator = Separator(csv);
    private int _position;

    /// <summary>Why reading stopped early (meant for the user); null when the table was read to its end.</summary>
    public string? Error { get; private set; }

    public List<string>? Next()
    {
        if (Error is not null || _position >= csv.Length) return null;
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (; _position < csv.Length; _position++)
        {
            var c = csv[_position];
            if (quoted)
            {
                if (c == '"' && _position + 1 < csv.Length && csv[_position + 1] == '"') { field.Append('"'); _position++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"' && field.Length == 0) quoted = true;
            else if (c == _separator)
            {
                if (!Add(row, field)) return null;
            }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && _position + 1 < csv.Length && csv[_position + 1] == '\n') _position++;
                _position++;
                return Add(row, field) ? row : null;
            }
            else field.Append(c);
            if (field.Length > maxFieldChars)
            {
                Error = $"A value in the CSV file is longer than {maxFieldChars:N0} characters.";
                return null;
            }
        }
        return Add(row, field) ? row : null;
    }

    private bool Add(List<string> row, StringBuilder field)
    {
        if (row.Count >= maxColumns)
        {
            Error = $"The CSV file has a row with more than {maxColumns:N0} columns.";
            return false;
        }
        row.Add(field.ToString().Trim());
        field.Clear();
        return true;
    }

    private static char Separator(string csv)
    {
        var newline = csv.IndexOf('\n');
        var firstLine = csv.AsSpan(0, newline >= 0 ? newline : csv.Length);
        return firstLine.Count(';') > firstLine.Count(',') ? ';' : ',';
    }
}
