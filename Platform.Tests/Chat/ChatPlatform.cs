using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Platform.Data;
using Platform.Data.Tenancy;
using Platform.Data.Tenant.Entities;
using Platform.Tests.Infrastructure;
using Platform.Web.Ai;
using Platform.Web.Ai.Pricing;
using Platform.Web.Features.Chat;
using Platform.Web.Features.Chat.Engine;

namespace Platform.Tests.Chat;

/// <summary>The platform on real PostgreSQL with the chat feature and its background worker running. AI
/// settings point each workspace wherever a test says (a <see cref="OpenAiProtocolServer"/>, or offline).</summary>
public class ChatPlatform() : PlatformFixture(PlatformMode.Local), IAsyncLifetime
{
    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        await StartBackgroundAsync();
    }

    /// <summary>Derived fixtures start their own background services here (after the migrations).</summary>
    protected virtual Task StartBackgroundAsync() => Task.CompletedTask;

    /// <summary>Derived fixtures stop them here: after the chat worker (its last answers still record usage).</summary>
    protected virtual Task StopBackgroundAsync() => Task.CompletedTask;

    /// <summary>Stops the worker first: running generations write themselves down before the databases go.</summary>
    async Task IAsyncLifetime.DisposeAsync()
    {
        if (Volatile.Read(ref _started) == 1) await Services.GetRequiredService<GenerationWorker>().StopAsync(CancellationToken.None);
        await StopBackgroundAsync();
        // Close the pools now and wait until their backends have really exited: DROP DATABASE … WITH (FORCE)
        // cannot terminate the runtime role's backends, and a just-closed one lingers for a moment.
        await Services.GetRequiredService<DataSourceRegistry>().DisposeAsync();
        await using (var c = new Npgsql.NpgsqlConnection(TestDatabases.Owner("postgres")))
        {
            await c.OpenAsync();
            var until = DateTime.UtcNow.AddSeconds(10);
            while (DateTime.UtcNow < until)
            {
                await using var cmd = new Npgsql.NpgsqlCommand(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = @d AND usename = @u", c);
                cmd.Parameters.AddWithValue("d", MainDatabase);
                cmd.Parameters.AddWithValue("u", TestDatabases.AppRole);
                if ((long)(await cmd.ExecuteScalarAsync())! == 0) break;
                await Task.Delay(50);
            }
        }
        await DisposeAsync();
    }

    private int _started;

    /// <summary>The model the chat tests' OpenAI-protocol server answers as (priced in this fixture).</summary>
    public const string MockModel = "mock-model";

    public TestAiSettings AiSettings { get; } = new();
    public RecordingUsage Usage { get; } = new();

    protected override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IWorkspaceAiSettingsProvider>(AiSettings);
        services.AddSingleton<IAiUsageRecorder>(Usage);
        // Attachments go through the Documents area's intake (no ingestion worker here: tests make documents ready).
        services.AddOptions<Platform.Web.Features.Documents.DocumentsOptions>();
        services.AddSingleton<Platform.Web.Features.Documents.Ingestion.IngestionSignals>();
        services.AddSingleton<Platform.Web.Features.Documents.Ingestion.DocumentIntake>();
        services.AddChatFeature(configuration);
        services.AddPlatformAi(configuration);
        // The test server's model is a paid provider's model: it runs only with a price (PriceTable.CanBill).
        services.Configure<PricingOptions>(o => o.Models[MockModel] = new() { InputPerMillion = 0.15m, OutputPerMillion = 0.60m });
        services.Configure<ChatEngineOptions>(o =>
        {
            o.FlushInterval = TimeSpan.FromMilliseconds(100);
            o.OfflineChunkDelay = TimeSpan.Zero;
            o.StaleAfter = TimeSpan.FromHours(1);
            o.ProviderTimeout = TimeSpan.FromSeconds(30);
        });
    }

    /// <summary>Another app instance on the same databases (its own worker, registry and options): what a
    /// second server, or the process before a crash, would be.</summary>
    public ServiceProvider CreateInstance(Action<ChatEngineOptions> configure, Action<IServiceCollection>? more = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Mode"] = "Local",
            ["Database:Main"] = TestDatabases.App(MainDatabase),
            ["Database:MainOwner"] = TestDatabases.Owner(MainDatabase),
            ["Database:AppRole"] = TestDatabases.AppRole,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddPlatformData(configuration);
        services.AddSingleton<Platform.Web.Features.Workspaces.WorkspaceDirectory>();
        ConfigureServices(services, configuration);
        services.Configure(configure);
        more?.Invoke(services);
        return services.BuildServiceProvider();
    }

    public T Get<T>() where T : notnull
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
            Services.GetRequiredService<GenerationWorker>().StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        return Services.GetRequiredService<T>();
    }

    public ChatConversation Conversation => Get<ChatConversation>();

    /// <summary>A workspace with one knowledge chunk, answered by <paramref name="endpoint"/> (null = offline).</summary>
    public async Task<ChatActor> WorkspaceAsync(AiEndpoint? endpoint, string knowledge = ChatTestData.LeavePolicy)
    {
        var (workspaceId, ownerId) = await CreateWorkspaceAsync();
        AiSettings.Set(workspaceId, endpoint);
        await using var db = await Tenants.OpenAsync(workspaceId, ownerId);
        var document = new Document { Title = "Employee handbook", Content = knowledge, Status = DocumentStatus.Ready };
        db.Documents.Add(document);
        db.DocumentChunks.Add(new DocumentChunk { DocumentId = document.Id, Position = 0, Content = knowledge });
        await db.CommitAsync();
        return new ChatActor(workspaceId, ownerId);
    }

    public async Task<Message> MessageAsync(ChatActor actor, Guid id)
    {
        await using var db = await Tenants.OpenAsync(actor.WorkspaceId, actor.UserId);
        return await db.Messages.AsNoTracking().SingleAsync(m => m.Id == id);
    }

    /// <summary>Polls until the message satisfies the condition (no sleeps with fixed waits in assertions).</summary>
    public async Task<Message> WaitForAsync(ChatActor actor, Guid id, Func<Message, bool> condition, int timeoutSeconds = 20)
    {
        var until = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var m = await MessageAsync(actor, id);
            if (condition(m)) return m;
            if (DateTime.UtcNow > until) throw new TimeoutException($"Message {id} stayed {m.Status} with '{m.Content}'.");
            await Task.Delay(20);
        }
    }

    public static async Task EventuallyAsync(Func<bool> condition, int timeoutSeconds = 20)
    {
        var until = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!condition())
        {
            if (DateTime.UtcNow > until) throw new TimeoutException("Condition not met in time.");
            await Task.Delay(20);
        }
    }
}

public static class ChatTestData
{
    public const string LeavePolicy = "## Time off\nEveryone has 28 days of paid leave per year, plus public holidays. " +
                                      "Book leave in the HR portal at least two weeks ahead.";
}

public sealed class TestAiSettings : IWorkspaceAiSettingsProvider
{
    private readonly ConcurrentDictionary<Guid, AiEndpoint?> _endpoints = new();
    public void Set(Guid workspaceId, AiEndpoint? chat) => _endpoints[workspaceId] = chat;

    public Task<WorkspaceAiSettings> GetAsync(Guid workspaceId, CancellationToken ct = default) =>
        Task.FromResult(new WorkspaceAiSettings(_endpoints.GetValueOrDefault(workspaceId), null));
}

/// <summary>Keeps what the chat reported (the Costs area's recorder is another branch).</summary>
public sealed class RecordingUsage : IAiUsageRecorder
{
    public ConcurrentQueue<AiUsage> All { get; } = new();
    public void Record(AiUsage usage) => All.Enqueue(usage);
    public IEnumerable<AiUsage> For(Guid workspaceId) => All.Where(u => u.WorkspaceId == workspaceId);
}
