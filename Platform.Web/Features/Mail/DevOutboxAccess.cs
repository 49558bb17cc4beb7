using System.Net;

namespace Platform.Web.Features.Mail;

/// <summary>
/// Where /dev/outbox exists at all: in Development, and only for requests from this machine (loopback). Anywhere
/// else the route answers 404, as if it did not exist. Which mail a visitor then sees is <see cref="OutboxViewer"/>'s
/// rule. Behind a reverse proxy on the same host every request looks local, which is why the environment check and
/// the per-visitor rule stay even for loopback.
/// </summary>
public static class DevOutboxAccess
{
    public const string Route = "/dev/outbox";

    public static bool Allowed(IHostEnvironment environment, HttpContext? context) =>
        environment.IsDevelopment() && context?.Connection.RemoteIpAddress is { } ip && IsLoopback(ip);

    private static bool IsLoopback(IPAddress ip) => IPAddress.IsLoopback(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip);

    /// <summary>Answers 404 for /dev/outbox before any page runs, unless <see cref="Allowed"/>. The page checks again
    /// (it is excluded from interactive routing, so reaching it is always a request through here).</summary>
    public static WebApplication UseDevOutboxGuard(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(Route, StringComparison.OrdinalIgnoreCase) &&
                !Allowed(app.Environment, context))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            await next();
        });
        return app;
    }
}
