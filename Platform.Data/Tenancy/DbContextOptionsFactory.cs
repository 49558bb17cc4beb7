using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Data.Main;
using Platform.Data.Tenant;

namespace Platform.Data.Tenancy;

/// <summary>
/// How both contexts talk to PostgreSQL, in one place: snake_case names, pgvector, their own migrations history
/// table in their own schema, and the session interceptor. Each context gets a fresh connection from the pool
/// of its database (rather than the data source itself), so hundreds of workspace databases share one EF
/// service provider.
/// </summary>
public static class DbContextOptionsFactory
{
    public static DbContextOptions<MainDbContext> Main(NpgsqlDataSource source) =>
        new DbContextOptionsBuilder<MainDbContext>(Build<MainDbContext>(source, RowLevelSecurity.MainSchema))
            .UseApplicationServiceProvider(IdentitySchema)
            .Options;

    /// <summary>IdentityDbContext picks its schema version from the application's IdentityOptions. These contexts
    /// are created outside DI (and at design time), so they are told explicitly: version 3, with passkeys.</summary>
    private static readonly IServiceProvider IdentitySchema = new ServiceCollection()
        .Configure<IdentityOptions>(o => o.Stores.SchemaVersion = IdentitySchemaVersions.Version3)
        .BuildServiceProvider();

    public static DbContextOptions<TenantDbContext> Tenant(NpgsqlDataSource source) =>
        Build<TenantDbContext>(source, RowLevelSecurity.TenantSchema);

    private static DbContextOptions<T> Build<T>(NpgsqlDataSource source, string schema) where T : DbContext =>
        new DbContextOptionsBuilder<T>()
            .UseNpgsql(source.CreateConnection(), contextOwnsConnection: true, o => o
                .UseVector()
                .MigrationsHistoryTable("__ef_migrations_history", schema))
            .UseSnakeCaseNamingConvention()
            .AddInterceptors(TenantSessionInterceptor.Instance, Text.PostgresTextInterceptor.Instance)
            .Options;
}
