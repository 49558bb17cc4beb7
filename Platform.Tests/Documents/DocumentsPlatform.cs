using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.Data.Tenancy;
using Platform.Tests.Infrastructure;
using Platform.Web.Ai;
using Platform.Web.Features.Documents;
using Platform.Web.Features.Documents.Ingestion;

namespace Platform.Tests.Documents;

/// <summary>A migrated platform with the Documents services (the worker is not started: tests drain explicitly).</summary>
public abstract class DocumentsPlatform(PlatformMode mode) : PlatformFixture(mode)
{
    public RecordingUsage Usage { get; } = new();

    protected override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IAiUsageRecorder>(Usage);
        services.AddDocumentsFeature(configuration);
        services.AddPlatformAi(configuration);
    }

    public DocumentIntake Intake => Services.GetRequiredService<DocumentIntake>();
    public DocumentProcessor Processor => Services.GetRequiredService<DocumentProcessor>();
    public DocumentQueries Queries => Services.GetRequiredService<DocumentQueries>();
    public IKnowledgeSearch Search => Services.GetRequiredService<IKnowledgeSearch>();

    public async Task<Guid> AddTextAsync(Guid workspaceId, string title, string text)
    {
        var result = await Intake.AddTextAsync(workspaceId, null, title, text);
        Assert.Equal(IntakeOutcome.Queued, result.Outcome);
        return result.DocumentId!.Value;
    }
}

public sealed class LocalDocumentsPlatform() : DocumentsPlatform(PlatformMode.Local);

public sealed class HostedDocumentsPlatform() : DocumentsPlatform(PlatformMode.Hosted);

public sealed class RecordingUsage : IAiUsageRecorder
{
    private readonly List<AiUsage> _usages = [];
    public void Record(AiUsage usage) { lock (_usages) _usages.Add(usage); }
    public List<AiUsage> Snapshot() { lock (_usages) return [.. _usages]; }
}
