using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Platform.Data.Tenancy;

/// <summary>
/// Sets app.current_tenant_id / app.current_user_id / app.platform_admin with set_config(…, true) — bound
/// parameters, transaction-local — as the first statement of every transaction a session-bound context starts
/// (explicit ones and SaveChanges' own). Transaction-local settings vanish at commit/rollback, so a pooled
/// connection never carries one workspace's id into another's work, with or without reset on close.
/// Work outside a transaction has no tenant set and RLS shows it nothing: the failure mode is "no rows".
/// If setting fails, the exception propagates and the operation fails.
/// </summary>
public sealed class TenantSessionInterceptor : DbTransactionInterceptor
{
    public static readonly TenantSessionInterceptor Instance = new();

    internal const string Sql =
        "SELECT set_config('app.current_tenant_id', @tenant, true), " +
        "set_config('app.current_user_id', @user, true), " +
        "set_config('app.platform_admin', @admin, true)";

    public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        using var command = CreateCommand(connection, result, eventData.Context);
        command.ExecuteNonQuery();
        return result;
    }

    public override async ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection,
        TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        await using var command = CreateCommand(connection, result, eventData.Context);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return result;
    }

    private static NpgsqlCommand CreateCommand(DbConnection connection, DbTransaction transaction, object? context)
    {
        var session = (context as ISessionBoundContext)?.Session ?? DbSession.None;
        return CreateCommand((NpgsqlConnection)connection, (NpgsqlTransaction)transaction, session);
    }

    /// <summary>The same statement for raw Npgsql work (bulk COPY, benchmarks) inside its own transaction.</summary>
    public static NpgsqlCommand CreateCommand(NpgsqlConnection connection, NpgsqlTransaction transaction, DbSession session)
    {
        var command = new NpgsqlCommand(Sql, connection, transaction);
        command.Parameters.AddWithValue("tenant", session.WorkspaceId?.ToString() ?? "");
        command.Parameters.AddWithValue("user", session.UserId?.ToString() ?? "");
        command.Parameters.AddWithValue("admin", session.PlatformAdmin ? "on" : "");
        return command;
    }

    /// <summary>Begins a transaction on a raw connection with the session applied.</summary>
    public static async Task<NpgsqlTransaction> BeginAsync(NpgsqlConnection connection, DbSession session, CancellationToken ct = default)
    {
        var transaction = await connection.BeginTransactionAsync(ct);
        await using var command = CreateCommand(connection, transaction, session);
        await command.ExecuteNonQueryAsync(ct);
        return transaction;
    }
}
