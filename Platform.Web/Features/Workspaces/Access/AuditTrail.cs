using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Platform.Data.Main;
using Platform.Data.Main.Entities;

namespace Platform.Web.Features.Workspaces;

/// <summary>Security-relevant actions, written in the same transaction as the change they describe (so an entry
/// exists exactly when the change does). Details never hold secrets.</summary>
public static class AuditTrail
{
    /// <summary>An entry to hand to <see cref="MainDbContext.CommitAsync(AuditLogEntry?, CancellationToken)"/>, which
    /// writes it in the transaction it commits.</summary>
    public static AuditLogEntry Entry(Guid? workspaceId, Guid? userId, string action,
        string? targetType = null, object? targetId = null, object? details = null) => new()
        {
            WorkspaceId = workspaceId, UserId = userId, Action = action, TargetType = targetType,
            TargetId = targetId?.ToString(), Details = details is null ? "{}" : JsonSerializer.Serialize(details),
        };

    /// <summary>Adds an entry to the unit of work without committing: for the few writes that record more than one
    /// entry, or one only on some paths, before their single <c>CommitAsync</c>.</summary>
    public static void Add(MainDbContext db, Guid? workspaceId, Guid? userId, string action,
        string? targetType = null, object? targetId = null, object? details = null) =>
        db.AuditLog.Add(Entry(workspaceId, userId, action, targetType, targetId, details));

    /// <summary>A platform-level entry (no workspace), written at once in the context's current transaction, if any.
    /// Anyone may write such an entry but only admins read them back, so the insert must not use RETURNING (which RLS
    /// checks against the SELECT policy): plain parameterised SQL, as the sign-in audit does.</summary>
    public static async Task AddPlatformEventAsync(MainDbContext db, Guid? userId, string action, string? targetType,
        string? targetId, object? details, string? ipAddress, CancellationToken ct = default)
    {
        var json = details is null ? "{}" : JsonSerializer.Serialize(details);
        await db.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO main.audit_log (workspace_id, user_id, action, target_type, target_id, details, ip_address, created_at)
            VALUES (NULL, {userId}, {action}, {targetType}, {targetId}, CAST({json} AS jsonb), {ipAddress}, now())
            """, ct);
    }
}
