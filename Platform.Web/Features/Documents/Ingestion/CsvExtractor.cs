using System.Text;

namespace Platform.Web.Features.Documents.Ingestion;

/// <summary>A CSV table as one line per row, each value labelled with its column ("name: Ada; team: Ops"), so a
/// chunk of rows still says what each value means.</summary>
internal static class CsvExtractor
{
    public static ExtractionResult Extract(string csv)
    {
        var rows = Parse(csv).Where(r => r.Any(v => v.Length > 0)).ToList();
        if (rows.Count == 0) return ExtractionResult.Fail("The CSV file has no rows.");
        var header = rows[0];
        var sb = new StringBuilder();
        foreach (var row in rows.Skip(1))
        {
            var cells = row.Select((v, i) => (Name: i < header.Count && header[i].Length > 0 ? header[i] : $"column {i + 1}", Value: v))
                .Where(c => c.Value.Length > 0)
                .Select(c => $"{c.Name}: {c.Value}");
            sb.AppendJoin("; ", cells).Append('\n');
        }
        if (rows.Count == 1) sb.AppendJoin("; ", header).Append('\n');
        return ExtractionResult.Ok(sb.ToString());
    }

    /// <summary>RFC 4180: commas (or semicolons when the header has more of them), quotes doubled inside quotes,
    /// line breaks inside quoted values.</summary>
    internal static IEnumerable<List<string>> Parse(string csv)
    {
        var firstLine = csv.AsSpan(0, Math.Max(0, csv.IndexOf('\n') is var n and >= 0 ? n : csv.Length));
        var separator = firstLine.Count(';') > firstLine.Count(',') ? ';' : ',';
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
                continue;
            }
            if (c == '"' && field.Length == 0) quoted = true;
            else if (c == separator) { row.Add(field.ToString().Trim()); field.Clear(); }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < csv.Length && csv[i + 1] == '\n') i++;
                row.Add(field.ToString().Trim()); field.Clear();
                yield return row;
                row = [];
            }
            else field.Append(c);
        }
        if (field.Length > 0 || row.Count > 0) { row.Add(field.ToString().Trim()); yield return row; }
    }
}
