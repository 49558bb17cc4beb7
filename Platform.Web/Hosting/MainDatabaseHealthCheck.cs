using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data.Tenancy;

namespace Platform.Web.Hosting;

/// <summary>/health: is the main database reachable (a round trip as the runtime role)?</summary>
public sealed class MainDatabaseHealthCheck(DataSourceRegistry sources, IOptions<DatabaseOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var command = sources.Get(options.Value.Main).CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(ct);
            return HealthCheckResult.Healthy("main database reachable");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"main database unreachable ({ConnectionStrings.Hint(options.Value.Main)}): {e.Message}");
        }
    }
}
