using Npgsql;
using Platform.Data.Tenancy;

namespace Platform.Web.Features.Workspaces;

/// <summary>
/// Counts or deletes one workspace's rows in a tenant store, across every table that has a workspace_id (so a
/// table another area adds later is covered without a change here). Runs inside a session for that workspace, so
/// row-level security limits every statement to its rows — and every statement names the workspace as well, so
/// a store where RLS does not apply (a superuser or BYPASSRLS role on a workspace's own database) loses only this
/// workspace's rows, never every tenant's.
/// </summary>
public static class TenantStoreRows
{
    public static async Task<IReadOnlyDictionary<string, long>> CountAsync(DataSourceRegistry sources, string connectionString,
        Guid workspaceId, CancellationToken ct = default)
    {
        await using var c = await sources.Get(connectionString).OpenConnectionAsync(ct);
        await using var tx = await TenantSessionInterceptor.BeginAsync(c, DbSession.ForWorkspace(workspaceId), ct);
        var counts = new Dictionary<string, long>();
        foreach (var table in await TablesAsync(c, tx, ct))
        {
            await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM tenant.{Quote(table)} WHERE workspace_id = @ws", c, tx);
            cmd.Parameters.AddWithValue("ws", workspaceId);
            counts[table] = (long)(await cmd.ExecuteScalarAsync(ct))!;
        }
        return counts;
    }

    /// <summary>Deletes all of the workspace's rows in one transaction. Foreign keys between tables are handled
    /// by retrying a table whose delete is blocked after the others (each attempt in a savepoint).</summary>
    public static async Task<long> DeleteAsync(DataSourceRegistry sources, string connectionString, Guid workspaceId,
        CancellationToken ct = default)
    {
        await using var c = await sources.Get(connectionString).OpenConnectionAsync(ct);
        await using var tx = await TenantSessionInterceptor.BeginAsync(c, DbSession.ForWorkspace(workspaceId), ct);
        var pending = new Queue<string>(await TablesAsync(c, tx, ct));
        long deleted = 0;
        var stalled = 0;
        while (pending.TryDequeue(out var table))
        {
            await tx.SaveAsync("t", ct);
            try
            {
                await using var cmd = new NpgsqlCommand($"DELETE FROM tenant.{Quote(table)} WHERE workspace_id = @ws", c, tx);
                cmd.Parameters.AddWithValue("ws", workspaceId);
                deleted += await cmd.ExecuteNonQueryAsync(ct);
                await tx.ReleaseAsync("t", ct);
                stalled = 0;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation && stalled <= pending.Count)
            {
                await tx.RollbackAsync("t", ct);
                pending.Enqueue(table);
                stalled++;
            }
        }
        await tx.CommitAsync(ct);
        return deleted;
    }

    private static async Task<List<string>> TablesAsync(NpgsqlConnection c, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT table_name FROM information_schema.columns
            WHERE table_schema = 'tenant' AND column_name = 'workspace_id' ORDER BY table_name
            """, c, tx);
        var tables = new List<string>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) tables.Add(r.GetString(0));
        return tables;
    }

    // Table names come from the catalog, never from input; quoted all the same.
    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
}
