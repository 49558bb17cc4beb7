using System.Globalization;
using Npgsql;

namespace Platform.Bench;

/// <summary>What every benchmark needs around its throw-away database: the cluster's two roles (from the
/// environment `./platform bench` exports), connection strings for a named database, and create/drop.</summary>
public static class BenchDatabase
{
    public static readonly string AppTemplate = Environment.GetEnvironmentVariable("Database__Main")
        ?? "Host=127.0.0.1;Port=55432;Database=platform;Username=platform_app;Password=platform_app_dev";
    public static readonly string OwnerTemplate = Environment.GetEnvironmentVariable("Database__MainOwner")
        ?? "Host=127.0.0.1;Port=55432;Database=platform;Username=platform_owner;Password=platform_owner_dev";

    /// <summary>The template's role on <paramref name="database"/>, without a command timeout (bulk loads run long).</summary>
    public static string For(string template, string database) =>
        new NpgsqlConnectionStringBuilder(template) { Database = database, CommandTimeout = 0 }.ConnectionString;

    /// <summary>A fresh database named after the benchmark; its name (PostgreSQL keeps 63 characters).</summary>
    public static async Task<string> CreateAsync(string prefix)
    {
        var database = $"bench_{prefix}_{Guid.NewGuid():N}"[..30];
        await ExecAsync(For(OwnerTemplate, "postgres"), $"CREATE DATABASE \"{database}\"");
        return database;
    }

    /// <summary>Drops it even with connections left open (pools are cleared first).</summary>
    public static async Task DropAsync(string database)
    {
        NpgsqlConnection.ClearAllPools();
        await ExecAsync(For(OwnerTemplate, "postgres"), $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
    }

    public static async Task ExecAsync(string connectionString, string sql)
    {
        await using var c = new NpgsqlConnection(connectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c) { CommandTimeout = 0 };
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>An integer option (`--events 10_000_000`), or the fallback.</summary>
    public static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length
            && int.TryParse(args[i + 1].Replace("_", ""), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : fallback;
    }
}
