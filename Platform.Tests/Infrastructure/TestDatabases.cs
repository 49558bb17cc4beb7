using Npgsql;

namespace Platform.Tests.Infrastructure;

/// <summary>
/// Connection facts of the project-local cluster (started by ./platform), taken from the environment the script
/// exports (Database__Main / Database__MainOwner) with the appsettings defaults as fallback. Tests create their
/// own throw-away databases there; nothing touches the app's own database.
/// </summary>
public static class TestDatabases
{
    public static readonly string AppTemplate = Environment.GetEnvironmentVariable("Database__Main")
        ?? "Host=127.0.0.1;Port=55432;Database=platform;Username=platform_app;Password=platform_app_dev";

    public static readonly string OwnerTemplate = Environment.GetEnvironmentVariable("Database__MainOwner")
        ?? "Host=127.0.0.1;Port=55432;Database=platform;Username=platform_owner;Password=platform_owner_dev";

    public static string AppRole => new NpgsqlConnectionStringBuilder(AppTemplate).Username!;

    public static string App(string database, Action<NpgsqlConnectionStringBuilder>? tweak = null) => With(AppTemplate, database, tweak);
    public static string Owner(string database, Action<NpgsqlConnectionStringBuilder>? tweak = null) => With(OwnerTemplate, database, tweak);

    private static string With(string template, string database, Action<NpgsqlConnectionStringBuilder>? tweak)
    {
        var b = new NpgsqlConnectionStringBuilder(template) { Database = database };
        tweak?.Invoke(b);
        return b.ConnectionString;
    }

    /// <summary>Creates an empty database owned by the owner role (pgvector comes from template1).</summary>
    public static async Task<string> CreateAsync(string prefix)
    {
        var name = $"t_{prefix}_{Guid.NewGuid():N}".ToLowerInvariant();
        await using var c = new NpgsqlConnection(Owner("postgres"));
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", c);
        await cmd.ExecuteNonQueryAsync();
        return name;
    }

    /// <summary>Drops a test database. Cleanup must never fail a run: a backend that is still exiting can make
    /// DROP … WITH (FORCE) refuse for a moment, so it retries, and a database left behind is only reported.</summary>
    public static async Task DropAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var c = new NpgsqlConnection(Owner("postgres"));
                await c.OpenAsync();
                await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", c);
                await cmd.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException) when (attempt < 10)
            {
                await Task.Delay(200 * attempt);
            }
            catch (PostgresException e)
            {
                Console.Error.WriteLine($"Test database {name} was left behind: {e.MessageText}");
                return;
            }
        }
    }
}
