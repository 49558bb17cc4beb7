using MudBlazor.Services;
using Platform.Web.Components;
using Platform.Web.Components.Account;
using Platform.Web.Features.Api;
using Platform.Web.Features.Costs;
using Platform.Web.Features.Costs.Dashboard;
using Platform.Web.Features.Mail;

namespace Platform.Web.Hosting;

public static class UiServices
{
    public static IServiceCollection AddPlatformUi(this IServiceCollection services)
    {
        // Pages hand their prerendered data to the circuit in its first message (see PrerenderHandOff).
        // and the workspace check of the prerendering request with them (CurrentWorkspace.HandOff).
        services.AddRazorComponents()
            .RegisterPersistentService<Platform.Web.Features.Workspaces.CurrentWorkspace>(Microsoft.AspNetCore.Components.Web.RenderMode.InteractiveServer)
            .AddInteractiveServerComponents()
            .AddHubOptions(o => o.MaximumReceiveMessageSize = Platform.Web.Components.Shared.PrerenderHandOff.MaxCircuitMessageBytes);
        services.AddMudServices();
        services.AddHealthChecks().AddCheck<MainDatabaseHealthCheck>("main-database");
        return services;
    }

    public static WebApplication UsePlatformPipeline(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
            app.UseHsts();
        }
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseDevOutboxGuard();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapHealthChecks("/health");
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapAdditionalIdentityEndpoints();
        app.MapCostsEndpoints();
        app.MapPlatformApi();
        return app;
    }
}
