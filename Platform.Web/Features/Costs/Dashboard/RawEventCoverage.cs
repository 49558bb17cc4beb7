using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data.Tenancy;

namespace Platform.Web.Features.Costs.Dashboard;

/// <summary>
/// From when raw rows still exist after retention dropped old monthly partitions (<see cref="CostsOptions.RawRetentionMonths"/>).
/// The maintenance worker records the cutoff in platform_state in the same transaction as the drop; no entry = nothing dropped.
/// </summary>
public sealed class RawEventCoverage(DataSourceRegistry sources, IOptions<DatabaseOptions> database)
{
    public const string CostEventsKey = "costs.raw_events_from";
    public const string UsageLogsKey = "costs.usage_logs_from";

    public Task<DateTimeOffset?> CostEventsFromAsync(CancellationToken ct = default) => ReadAsync(CostEventsKey, ct);

    public Task<DateTimeOffset?> UsageLogsFromAsync(CancellationToken ct = default) => ReadAsync(UsageLogsKey, ct);

    /// <summary>The CSV export's first line when its range starts before the raw events kept.</summary>
    public static string CsvNote(CostRange range, DateTimeOffset rawFrom) =>
        $"# Raw events are kept from {rawFrom.UtcDateTime:yyyy-MM-dd} (retention). This file lists the calls from " +
        $"{rawFrom.UtcDateTime:yyyy-MM-dd} to {range.To.UtcDateTime.AddDays(-1):yyyy-MM-dd}; the dashboard's totals still include " +
        $"the costs from {range.From.UtcDateTime:yyyy-MM-dd}.";

    private async Task<DateTimeOffset?> ReadAsync(string key, CancellationToken ct)
    {
        await using var c = await sources.Get(database.Value.Main).OpenConnectionAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT value FROM main.platform_state WHERE key = @k", c);
        cmd.Parameters.AddWithValue("k", key);
        return await cmd.ExecuteScalarAsync(ct) is string value
               && DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture,
                   System.Globalization.DateTimeStyles.AssumeUniversal, out var from)
            ? from
            : null;
    }
}
