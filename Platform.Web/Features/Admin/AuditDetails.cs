using System.Text.Json;
using System.Text.RegularExpressions;

namespace Platform.Web.Features.Admin;

/// <summary>One readable line of an audit entry's details: a field and its value, or how it changed.</summary>
public sealed record AuditDetailLine(string Field, string? Before, string After, bool IsChange);

/// <summary>
/// Turns an audit entry's details JSON into lines a person reads: "Name: Acme → Acme Labs" for entries that record
/// a before and an after (from/to, before/after, old/new), "Key hint: sk-…1234" otherwise. Keys are matched without
/// regard to case (writers differ: <c>Name</c> vs <c>name</c>) and shown as words. The raw JSON stays available.
/// </summary>
public static partial class AuditDetails
{
    private static readonly (string Before, string After)[] ChangePairs = [("from", "to"), ("before", "after"), ("old", "new")];

    public static IReadOnlyList<AuditDetailLine> Describe(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return [];
        JsonElement root;
        try { root = JsonDocument.Parse(json).RootElement; }
        catch (JsonException) { return [new AuditDetailLine("Details", null, json, false)]; }
        if (root.ValueKind != JsonValueKind.Object) return [new AuditDetailLine("Details", null, Value(root), false)];

        var props = root.EnumerateObject().ToList();
        foreach (var (beforeName, afterName) in ChangePairs)
        {
            var before = props.FirstOrDefault(p => p.Name.Equals(beforeName, StringComparison.OrdinalIgnoreCase));
            var after = props.FirstOrDefault(p => p.Name.Equals(afterName, StringComparison.OrdinalIgnoreCase));
            if (before.Value.ValueKind == JsonValueKind.Undefined || after.Value.ValueKind == JsonValueKind.Undefined) continue;
            var lines = Changes(before.Value, after.Value);
            // Anything recorded next to the pair (a reason, an id) is listed after the changes.
            foreach (var other in props.Where(p => p.Name != before.Name && p.Name != after.Name))
                lines.AddRange(Flatten(Words(other.Name), other.Value));
            return lines;
        }
        return props.SelectMany(p => Flatten(Words(p.Name), p.Value)).ToList();
    }

    private static List<AuditDetailLine> Changes(JsonElement before, JsonElement after)
    {
        static bool ObjectOrNull(JsonElement e) => e.ValueKind is JsonValueKind.Object or JsonValueKind.Null;
        if (!ObjectOrNull(before) || !ObjectOrNull(after) || (before.ValueKind == JsonValueKind.Null && after.ValueKind == JsonValueKind.Null))
            return [new AuditDetailLine("Value", Value(before), Value(after), true)];
        // A null side is a thing created (no before) or removed (no after): every field changed from or to "—".
        var beforeFields = Fields(before);
        var afterFields = Fields(after);
        var lines = new List<AuditDetailLine>();
        foreach (var key in beforeFields.Keys.Union(afterFields.Keys, StringComparer.OrdinalIgnoreCase).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var was = beforeFields.TryGetValue(key, out var b) ? Value(b) : "—";
            var now = afterFields.TryGetValue(key, out var a) ? Value(a) : "—";
            if (was != now) lines.Add(new AuditDetailLine(Words(key), was, now, true));
        }
        // Saved without a change: say what it is, rather than nothing.
        if (lines.Count == 0) lines.AddRange(afterFields.Select(f => new AuditDetailLine(Words(f.Key), null, Value(f.Value), false)));
        return lines;
    }

    private static Dictionary<string, JsonElement> Fields(JsonElement obj)
    {
        var fields = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
        if (obj.ValueKind != JsonValueKind.Object) return fields;
        foreach (var p in obj.EnumerateObject()) fields[p.Name] = p.Value;
        return fields;
    }

    private static IEnumerable<AuditDetailLine> Flatten(string field, JsonElement value) =>
        value.ValueKind == JsonValueKind.Object && value.EnumerateObject().Any()
            ? value.EnumerateObject().SelectMany(p => Flatten($"{field} › {Words(p.Name)}", p.Value))
            : [new AuditDetailLine(field, null, Value(value), false)];

    private static string Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => "—",
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        JsonValueKind.String => value.GetString() is { Length: > 0 } s ? s : "(empty)",
        JsonValueKind.Array => value.GetArrayLength() == 0 ? "(none)" : string.Join(", ", value.EnumerateArray().Select(Value)),
        JsonValueKind.Object => string.Join(", ", value.EnumerateObject().Select(p => $"{Words(p.Name)}: {Value(p.Value)}")),
        // numeric(18,6) columns serialize as 0.010000: shown as 0.01.
        JsonValueKind.Number when value.TryGetDecimal(out var d) => (d / 1.000000000000000000000000000000000m).ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => value.GetRawText(),
    };

    /// <summary>"MonthlyLimitUsd", "monthly_limit_usd" → "Monthly limit ($)"; "keyHint" → "Key hint".</summary>
    public static string Words(string key)
    {
        var spaced = CamelBoundary().Replace(key.Replace('_', ' ').Replace('-', ' '), "$1 $2").Trim().ToLowerInvariant();
        if (spaced.EndsWith(" usd", StringComparison.Ordinal)) spaced = spaced[..^4] + " ($)";
        return spaced.Length == 0 ? key : char.ToUpperInvariant(spaced[0]) + spaced[1..];
    }

    /// <summary>The raw details indented, for the "JSON" view.</summary>
    public static string Pretty(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return "";
        try { return JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement, Indented); }
        catch (JsonException) { return json; }
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    [GeneratedRegex("([a-z0-9])([A-Z])")]
    private static partial Regex CamelBoundary();
}
