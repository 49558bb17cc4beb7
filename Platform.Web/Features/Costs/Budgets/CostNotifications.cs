namespace Platform.Web.Features.Costs.Budgets;

/// <summary>
/// In-process signal "this workspace has new budget alerts" for open circuits (the app-bar badge, the costs page).
/// Within one instance it is immediate; other instances' circuits catch up through the badge's periodic refresh.
/// </summary>
public sealed class CostNotifications(ILogger<CostNotifications> logger)
{
    /// <summary>Carries the workspace id whose alerts changed.</summary>
    public Signal<Guid> AlertsChanged { get; } = new(logger, "BudgetAlertsChanged");

    public void RaiseAlerts(Guid workspaceId) => AlertsChanged.Publish(workspaceId);
}
