using System.Text.Json;
using Platform.Data.Main;
using Platform.Data.Main.Entities;

namespace Platform.Web.Features.Workspaces;

/// <summary>Security-relevant actions, written in the same transaction as the change they describe (so an entry
/// exists exactly when the change does). Details never hold secrets.</summary>
public static class AuditTrail
{
    public static void Add(MainDbContext db, Guid? workspaceId, Guid? userId, string action,
        string? targetType = null, object? targetId = null, object? details = null) =>
        db.AuditLog.Add(new AuditLogEntry
        {
            WorkspaceId = workspaceId, UserId = userId, Action = action, TargetType = targetType,
            TargetId = targetId?.ToString(), Details = details is null ? "{}" : JsonSerializer.Serialize(details),
        });
}
