using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Platform.Data;
using Platform.Data.Tenancy;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Migrations;

/// <summary>
/// A fresh database (Local mode: main and tenant schemas side by side) with the app's own data services, for
/// taking a store to an old migration, filling it as the app of that time would have, and upgrading it.
/// </summary>
public sealed class UpgradeStore : IAsyncDisposable
{
    private UpgradeStore(string database, ServiceProvider services) => (Database, Services) = (database, services);

    public string Database { get; }
    public ServiceProvider Services { get; }
    public string Owner => TestDatabases.Owner(Database);
    public string App => TestDatabases.App(Database);
    public MainDbFactory Main => Services.GetRequiredService<MainDbFactory>();
    public TenantDbFactory Tenants => Services.GetRequiredService<TenantDbFactory>();
    public DatabaseMigrator Migrator => Services.GetRequiredService<DatabaseMigrator>();

    /// <summary>Owner-role contexts, as the migrator uses them.</summary>
    public Platform.Data.Main.MainDbContext MainOwner() =>
        new(DbContextOptionsFactory.Main(Services.GetRequiredService<DataSourceRegistry>().Get(Owner)));
    public Platform.Data.Tenant.TenantDbContext TenantOwner() => Tenants.Create(Owner, DbSession.None);

    public static async Task<UpgradeStore> CreateAsync(string prefix)
    {
        var database = await TestDatabases.CreateAsync(prefix);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Mode"] = "Local",
            ["Database:Main"] = TestDatabases.App(database),
            ["Database:MainOwner"] = TestDatabases.Owner(database),
            ["Database:AppRole"] = TestDatabases.AppRole,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddPlatformData(configuration);
        return new UpgradeStore(database, services.BuildServiceProvider());
    }

    /// <summary>Migrates <paramref name="db"/> (an owner context) to its first migration only, then applies the
    /// security rules as the migrator did for that version. Returns the migration's id.</summary>
    public async Task<string> MigrateToFirstAsync(DbContext db, string schema)
    {
        var first = db.Database.GetMigrations().First();
        await db.Database.OpenConnectionAsync();
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using (var ext = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS vector", connection))
            await ext.ExecuteNonQueryAsync();
        await db.GetService<IMigrator>().MigrateAsync(first);
        await RowLevelSecurity.ApplyAsync(connection, schema, TestDatabases.AppRole);
        Assert.Equal([first], await db.Database.GetAppliedMigrationsAsync());
        return first;
    }

    /// <summary>Runs parameterised SQL on an owner connection inside one transaction with the session applied
    /// (bound parameters only; RLS is forced for the owner too).</summary>
    public async Task ExecuteAsync(DbSession session, string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(Owner);
        await connection.OpenAsync();
        await using var tx = await TenantSessionInterceptor.BeginAsync(connection, session);
        await using var command = new NpgsqlCommand(sql, connection, tx);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        await command.ExecuteNonQueryAsync();
        await tx.CommitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await TestDatabases.DropAsync(Database);
    }
}
