using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Data.Tenancy;

namespace Platform.Web.Hosting;

public static class DatabaseStartup
{
    /// <summary>Checks configuration and reachability, migrates (when configured) and seeds the demo once.
    /// Returns false after printing a clear message when the app cannot start.</summary>
    public static async Task<bool> PreparePlatformDatabaseAsync(this WebApplication app, bool migrateOnly)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Platform.Startup");
        DatabaseOptions options;
        try
        {
            options = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        }
        catch (OptionsValidationException e)
        {
            foreach (var error in e.Failures) Console.Error.WriteLine($"Invalid configuration: {error}");
            return false;
        }

        var target = migrateOnly || options.MigrateOnStart ? options.MainOwner : options.Main;
        if (await UnreachableAsync(target) is { } reason)
        {
            var b = new NpgsqlConnectionStringBuilder(target);
            Console.Error.WriteLine(
                $"Cannot reach the main database at {b.Host}:{b.Port} (database '{b.Database}', user '{b.Username}'): {reason}\n" +
                "Start the project-local PostgreSQL with `./platform db start`, or fix Database:Main / Database:MainOwner.");
            return false;
        }

        if (migrateOnly || options.MigrateOnStart)
        {
            var migrator = app.Services.GetRequiredService<DatabaseMigrator>();
            await migrator.MigratePlatformAsync();
            logger.LogInformation("Migrations applied");
            // Workspaces' own databases are someone else's servers: one that is unreachable must not keep the app
            // from serving. Each has its own timeout; at startup they are migrated in the background.
            if (migrateOnly) await migrator.MigrateOwnDatabasesAsync();
            else _ = MigrateOwnDatabasesInBackgroundAsync(migrator, logger, app.Lifetime.ApplicationStopping);
        }
        if (!migrateOnly && DemoSeeder.ShouldSeed(app.Environment, app.Services.GetRequiredService<IOptions<PlatformOptions>>().Value,
                Environment.GetCommandLineArgs(), logger))
        {
            await using var scope = app.Services.CreateAsyncScope();
            var seeder = scope.ServiceProvider.GetRequiredService<DemoSeeder>();
            await seeder.SeedOnceAsync();
            seeder.LogCredentials();
        }
        return true;
    }

    private static async Task MigrateOwnDatabasesInBackgroundAsync(DatabaseMigrator migrator, ILogger logger, CancellationToken stopping)
    {
        await Task.Yield();
        try
        {
            await migrator.MigrateOwnDatabasesAsync(stopping);
            logger.LogInformation("Workspaces' own databases migrated");
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            // The main database itself failed mid-way: log it; the next start tries again.
            logger.LogError(e, "Migrating workspaces' own databases stopped");
        }
    }

    private static async Task<string?> UnreachableAsync(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString) { Timeout = 5, Pooling = false };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync();
            return null;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return e.InnerException?.Message ?? e.Message;
        }
    }
}
