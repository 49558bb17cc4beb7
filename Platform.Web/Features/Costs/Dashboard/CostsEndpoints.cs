using System.Globalization;
using System.Security.Claims;
using Platform.Web.Features.Workspaces;

namespace Platform.Web.Features.Costs.Dashboard;

/// <summary>CSV export of the filtered cost events: a real HTTP download (a circuit cannot stream a file), so
/// membership and the "view costs" permission are checked here, per request.</summary>
public static class CostsEndpoints
{
    public static IEndpointRouteBuilder MapCostsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/w/{slug}/costs/export.csv", ExportAsync).RequireAuthorization();
        return app;
    }

    private static async Task<IResult> ExportAsync(string slug, string? from, string? to, HttpContext http,
        WorkspaceDirectory directory, CostPermissions permissions, CostQueries queries, RawEventCoverage coverage, TimeProvider clock, CancellationToken ct)
    {
        if (!Guid.TryParse(http.User.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)) return Results.Unauthorized();
        var access = await directory.FindAsync(userId, slug, ct);
        if (access is null) return Results.NotFound();
        if (!await permissions.CanViewCostsAsync(access.WorkspaceId, userId, ct)) return Results.Forbid();

        var range = DateTime.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var f)
                    && DateTime.TryParseExact(to, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)
            ? CostPeriod.Resolve(CostPeriod.Custom, clock.GetUtcNow(), f, t)
            : CostPeriod.Resolve(CostPeriod.Month, clock.GetUtcNow());
        if (range.To - range.From > TimeSpan.FromDays(400)) return Results.BadRequest("Export at most 400 days at a time.");

        // Retention may have dropped the oldest raw events: the header (and a first "#" line) say from when they exist.
        if (await coverage.CostEventsFromAsync(ct) is { } rawFrom && range.From < rawFrom)
            http.Response.Headers["X-Raw-Events-From"] = rawFrom.UtcDateTime.ToString("yyyy-MM-dd");
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition =
            $"attachment; filename=\"costs-{access.Slug}-{range.From:yyyyMMdd}-{range.To.AddDays(-1):yyyyMMdd}.csv\"";
        await using var writer = new StreamWriter(http.Response.Body, new System.Text.UTF8Encoding(false));
        await queries.WriteCsvAsync(access.WorkspaceId, userId, range, writer, ct);
        await writer.FlushAsync(ct);
        return Results.Empty;
    }
}
