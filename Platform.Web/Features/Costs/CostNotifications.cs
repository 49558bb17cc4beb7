namespace Platform.Web.Features.Costs;

/// <summary>
/// In-process signal "this workspace has new budget alerts" for open circuits (the app-bar badge). Within one
/// instance it is immediate; other instances' circuits catch up through the badge's periodic refresh.
/// </summary>
public sealed class CostNotifications
{
    public event Action<Guid>? AlertsChanged;

    public void RaiseAlerts(Guid workspaceId) => AlertsChanged?.Invoke(workspaceId);
}
