using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Tests.Infrastructure;
using Platform.Web.Ai;
using Platform.Web.Features.Costs;
using Platform.Web.Features.Costs.Recording;

namespace Platform.Tests.Costs;

/// <summary>A clock tests can move forward (credits reset, periods roll over); real time otherwise.</summary>
public sealed class TestClock : TimeProvider
{
    public TimeSpan Offset { get; set; }
    public override DateTimeOffset GetUtcNow() => DateTimeOffset.UtcNow + Offset;
}

/// <summary>A local platform with the Costs feature registered as the app does, a short flush interval,
/// small credit tiers and a known price table; the cost writer runs as it does in the host.</summary>
public sealed class CostsPlatform() : PlatformFixture(PlatformMode.Local), IAsyncLifetime
{
    public TestClock Clock { get; } = new();

    public static readonly Dictionary<string, string?> Settings = new()
    {
        ["Costs:FlushInterval"] = "00:00:00.050",
        ["Costs:Tiers:anonymous:Period"] = "day",
        ["Costs:Tiers:anonymous:MessageCredits"] = "2",
        ["Costs:Tiers:free:Period"] = "day",
        ["Costs:Tiers:free:MessageCredits"] = "3",
        ["Costs:Tiers:free:SearchCalls"] = "0",
        ["Costs:Tiers:pro:Period"] = "month",
        ["Costs:Tiers:pro:MessageCredits"] = "100",
        ["Pricing:Models:gpt-4o:InputPerMillion"] = "2.50",
        ["Pricing:Models:gpt-4o:OutputPerMillion"] = "10.00",
        ["Pricing:Models:gpt-4o-mini:InputPerMillion"] = "0.15",
        ["Pricing:Models:gpt-4o-mini:OutputPerMillion"] = "0.60",
        ["Pricing:Models:text-embedding-3-small:InputPerMillion"] = "0.02",
        ["Pricing:Models:text-embedding-3-small:OutputPerMillion"] = "0",
    };

    protected override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<TimeProvider>(Clock);
        services.AddCostsFeature(new ConfigurationBuilder().AddInMemoryCollection(Settings).Build());
    }

    public CostRecorder Recorder => Services.GetRequiredService<CostRecorder>();
    public IAiBudgetGuard Guard => Services.GetRequiredService<IAiBudgetGuard>();
    public CostEventStore Store => Services.GetRequiredService<CostEventStore>();
    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        await Get<CostEventWriter>().StartAsync(CancellationToken.None);
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await Get<CostEventWriter>().StopAsync(CancellationToken.None);
        await DisposeAsync();
    }

    public Task FlushAsync() => Recorder.FlushAsync(TimeSpan.FromSeconds(30));

    /// <summary>Sets a workspace budget directly (the service's permission path is tested separately).</summary>
    public Task SetBudgetAsync(Guid workspaceId, decimal? monthly, int[]? thresholds = null, bool warnOnly = false, decimal? daily = null) =>
        SetBudgetAsync(Main, workspaceId, monthly, thresholds, warnOnly, daily);

    /// <summary>The same for any fixture with the main store (the chat's, with the Costs feature behind it).</summary>
    public static async Task SetBudgetAsync(MainDbFactory main, Guid workspaceId, decimal? monthly, int[]? thresholds = null,
        bool warnOnly = false, decimal? daily = null)
    {
        await using var db = await main.OpenAsync(DbSession.ForWorkspace(workspaceId));
        var budget = db.Budgets.FirstOrDefault(b => b.WorkspaceId == workspaceId);
        if (budget is null) db.Budgets.Add(budget = new Budget { WorkspaceId = workspaceId });
        budget.MonthlyLimitUsd = monthly;
        budget.DailyLimitUsd = daily;
        budget.ThresholdsPercent = thresholds ?? [50, 80, 100];
        budget.WarnOnly = warnOnly;
        await db.SaveChangesAsync();
        await db.Database.CommitTransactionAsync();
    }

    public static AiUsage Usage(Guid workspaceId, Guid? userId, string model = "gpt-4o", long input = 1000, long output = 500,
        string provider = "openai", string service = AiService.Llm, Guid? chatId = null, bool success = true, DateTimeOffset? at = null) =>
        new(workspaceId, userId, service, provider, model, input, output, TimeSpan.FromMilliseconds(120), success, chatId)
        {
            OccurredAt = at ?? DateTimeOffset.UtcNow,
        };
}
