namespace Platform.Web.Features.Account;

/// <summary>
/// Once the server listens (so the link carries the real public address), prints a one-time setup link to the log
/// when no platform admin exists yet. Runs at every start: a restart gives the operator a fresh link.
/// </summary>
public sealed class AdminSetupAnnouncer(
    AdminSetup setup, PublicLinks links, IHostApplicationLifetime lifetime, ILogger<AdminSetupAnnouncer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
        {
            try { await started.Task.WaitAsync(stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
        try
        {
            logger.LogInformation("Mailed links start with {PublicUrl}", links.BaseUrl);
            if (await setup.IssueIfNoAdminAsync(stoppingToken) is { } token)
                logger.LogWarning("No platform admin yet. To become it, open {SetupLink} within {ValidFor} " +
                                  "(signed in, or to create the admin account); the link works once. " +
                                  "Alternatively list your email in Platform:AdminEmails and register",
                    links.To("setup/" + token), setup.ValidFor);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The database being down at start is reported by health checks; the app serves on.
            logger.LogError(e, "Could not check for a platform admin / issue a setup link");
        }
    }
}
