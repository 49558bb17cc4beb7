using System.Collections.Concurrent;
using Npgsql;
using Pgvector.Npgsql;

namespace Platform.Data.Tenancy;

/// <summary>
/// One NpgsqlDataSource (one connection pool) per distinct connection string: the main database, the default
/// tenant database, and each workspace's own database. Singleton for the app's life.
/// </summary>
public sealed class DataSourceRegistry : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<NpgsqlDataSource>> _sources = new();

    public NpgsqlDataSource Get(string connectionString) =>
        _sources.GetOrAdd(connectionString, cs => new Lazy<NpgsqlDataSource>(() => Build(cs))).Value;

    public static NpgsqlDataSource Build(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.UseVector();
        return builder.Build();
    }

    /// <summary>Drops the pool of a connection string that is no longer used (a workspace moved its database).</summary>
    public async Task ForgetAsync(string connectionString)
    {
        if (_sources.TryRemove(connectionString, out var source) && source.IsValueCreated)
            await source.Value.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var source in _sources.Values.Where(s => s.IsValueCreated))
            await source.Value.DisposeAsync();
        _sources.Clear();
    }
}
