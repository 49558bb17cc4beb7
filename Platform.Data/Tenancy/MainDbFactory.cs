using Microsoft.Extensions.Options;
using Platform.Data.Main;

namespace Platform.Data.Tenancy;

/// <summary>Short-lived main-database contexts, each bound to one <see cref="DbSession"/> for its life.</summary>
public sealed class MainDbFactory(IOptions<DatabaseOptions> options, DataSourceRegistry sources)
{
    /// <summary>A context with no transaction yet: fine for Identity tables and the workspace directory; rows of
    /// RLS-protected tables appear only inside a transaction (use <see cref="OpenAsync"/>).</summary>
    public MainDbContext Create(DbSession session) =>
        new(DbContextOptionsFactory.Main(sources.Get(options.Value.Main))) { Session = session };

    /// <summary>A unit of work: connection open, transaction begun, session settings applied. Commit with
    /// SaveChanges + <c>Database.CommitTransactionAsync</c>; disposing without commit rolls back.</summary>
    public async Task<MainDbContext> OpenAsync(DbSession session, CancellationToken ct = default)
    {
        var db = Create(session);
        try
        {
            await db.Database.BeginTransactionAsync(ct);
            return db;
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    /// <summary>Owner-role context for the migrator only.</summary>
    internal MainDbContext CreateOwner() =>
        new(DbContextOptionsFactory.Main(sources.Get(options.Value.MainOwner)));
}
