using System.Collections.Concurrent;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Data.Tenant.Entities;
using Platform.Web.Features.Documents;
using Platform.Web.Features.Documents.Ingestion;

namespace Platform.Tests.Documents;

/// <summary>Documents with small limits so hostile input shows quickly: a short extraction time limit, two attempts,
/// two workspaces served at once.</summary>
public sealed class BoundedDocumentsPlatform() : DocumentsPlatform(Platform.Data.Tenancy.PlatformMode.Local)
{
    protected override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        base.ConfigureServices(services, configuration);
        services.Configure<DocumentsOptions>(o =>
        {
            o.ExtractionTimeoutSeconds = 20;
            o.MaxAttempts = 2;
            o.WorkerConcurrency = 2;
        });
    }

    public IngestionWorker Worker => Services.GetServices<IHostedService>().OfType<IngestionWorker>().Single();
    public IngestionSignals Signals => Services.GetRequiredService<IngestionSignals>();
}

/// <summary>Bad input in documents and fairness of the ingestion queue: one hostile upload fails that document
/// (with a reason meant for people) and never holds up the documents of other workspaces.</summary>
public class HostileDocumentTests(BoundedDocumentsPlatform platform) : IClassFixture<BoundedDocumentsPlatform>
{
    private async Task<Document> LoadAsync(Guid ws, Guid id)
    {
        await using var db = await platform.Tenants.OpenAsync(ws);
        return await db.Documents.AsNoTracking().SingleAsync(d => d.Id == id);
    }

    [Fact]
    public async Task A_document_with_nul_and_lone_surrogates_in_its_name_and_text_is_ingested()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var pasted = await platform.Intake.AddTextAsync(ws, owner, "Notes\0 on\uD800 leave", "Leave\0 is booked in the HR portal.");
        Assert.Equal(IntakeOutcome.Queued, pasted.Outcome);
        // A UTF-16 file may carry U+0000 (UTF-8 text with a NUL byte is refused as binary at intake).
        var text = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("Expenses are\0 filed monthly.")).ToArray();
        var file = await platform.Intake.AddFileAsync(ws, owner, "expen\0ses.md", new MemoryStream(text), text.Length, category: "Fin\0ance", tags: ["ta\0g"]);
        Assert.Equal(IntakeOutcome.Queued, file.Outcome);

        Assert.Equal(2, await platform.Processor.DrainAsync(ws, CancellationToken.None));
        var doc = await LoadAsync(ws, pasted.DocumentId!.Value);
        Assert.Equal(DocumentStatus.Ready, doc.Status);
        Assert.Equal("Notes on\uFFFD leave", doc.Title);
        var other = await LoadAsync(ws, file.DocumentId!.Value);
        Assert.Equal(DocumentStatus.Ready, other.Status);
        Assert.Equal("expenses.md", other.FileName);
        Assert.Equal("Finance", other.Category);
        Assert.Equal(["tag"], other.Tags);
        Assert.NotEmpty(await platform.Search.SearchAsync(ws, owner, "expenses\0 filed monthly\uDC00", 3));
    }

    [Fact]
    public async Task A_hostile_html_file_fails_on_its_own_while_another_workspace_document_is_processed()
    {
        await using var hostilePlatform = new SlowHtmlPlatform();
        await hostilePlatform.InitializeAsync();
        var (slowWs, slowOwner) = await hostilePlatform.CreateWorkspaceAsync();
        var (otherWs, otherOwner) = await hostilePlatform.CreateWorkspaceAsync();
        var events = new ConcurrentQueue<DocumentChange>();
        using var _ = hostilePlatform.Signals.Changed.Subscribe(events.Enqueue);

        // Nested so deep that parsing runs into the time limit (the depth check is off in this platform).
        var html = Encoding.UTF8.GetBytes(HostileExtractionTests.NestedDivs(200_000));
        var hostile = await hostilePlatform.Intake.AddFileAsync(slowWs, slowOwner, "deep.html", new MemoryStream(html), html.Length);
        Assert.Equal(IntakeOutcome.Queued, hostile.Outcome);

        var worker = hostilePlatform.Worker;
        await worker.StartAsync(CancellationToken.None);
        try
        {
            // Once the hostile document is being read, a small document arrives in another workspace.
            await EventuallyAsync(async () => (await hostilePlatform.LoadAsync(slowWs, hostile.DocumentId!.Value)).Attempts == 1);
            var small = await hostilePlatform.Intake.AddTextAsync(otherWs, otherOwner, "Small", "A short note about parking.");
            await EventuallyAsync(async () => (await hostilePlatform.LoadAsync(slowWs, hostile.DocumentId!.Value)).Status == DocumentStatus.Failed);

            // The small one was ready before the hostile one gave up: it did not wait behind it.
            var order = events.Where(e => e.Status is DocumentStatus.Ready or DocumentStatus.Failed).Select(e => e.DocumentId).ToList();
            Assert.Equal([small.DocumentId!.Value, hostile.DocumentId!.Value], order);
            var failed = await hostilePlatform.LoadAsync(slowWs, hostile.DocumentId!.Value);
            Assert.StartsWith("Reading the document took longer than the limit of 10 seconds", failed.StatusReason);
            Assert.Equal(1, failed.Attempts);
            // A failed document is not picked up again (after a restart either).
            Assert.Equal(0, await hostilePlatform.Processor.DrainAsync(slowWs, CancellationToken.None));
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_document_that_crashed_the_process_every_time_is_failed_after_max_attempts_and_not_claimed_again()
    {
        var (ws, _) = await platform.CreateWorkspaceAsync();
        var crashing = await platform.AddTextAsync(ws, "Crasher", "Each attempt died mid-parse.");
        var fine = await platform.AddTextAsync(ws, "Fine", "An ordinary note.");
        await using (var db = await platform.Tenants.OpenAsync(ws))
        {
            // What two crashes mid-parse leave: each claim counted its attempt before any work, then the process died.
            await db.Documents.Where(d => d.Id == crashing).ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, DocumentStatus.Processing).SetProperty(d => d.Attempts, 2)
                .SetProperty(d => d.LeaseUntil, DateTimeOffset.UtcNow.AddSeconds(-1)));
            await db.CommitAsync();
        }

        Assert.Equal(1, await platform.Processor.DrainAsync(ws, CancellationToken.None));
        var failed = await LoadAsync(ws, crashing);
        Assert.Equal(DocumentStatus.Failed, failed.Status);
        Assert.Contains("given up", failed.StatusReason);
        Assert.Equal(2, failed.Attempts);
        Assert.Equal(DocumentStatus.Ready, (await LoadAsync(ws, fine)).Status);
        Assert.Equal(0, await platform.Processor.DrainAsync(ws, CancellationToken.None));
    }

    [Fact]
    public async Task The_attempt_is_counted_before_the_document_is_read()
    {
        var (ws, _) = await platform.CreateWorkspaceAsync();
        var id = await platform.AddTextAsync(ws, "Counted", "Some text.");
        var seen = new ConcurrentQueue<int>();
        void OnChange(DocumentChange change)
        {
            if (change.DocumentId == id && change.Status == DocumentStatus.Processing && change.Progress == 2)
                seen.Enqueue(LoadAsync(ws, id).GetAwaiter().GetResult().Attempts);
        }
        using (platform.Signals.Changed.Subscribe(OnChange))
            await platform.Processor.DrainAsync(ws, CancellationToken.None);
        Assert.Equal([1], seen);
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("Condition not met in time.");
            await Task.Delay(50);
        }
    }
}

/// <summary>A platform of its own for the worker test (its worker sweeps every workspace of its database): the depth
/// check off so a deep page reaches the parser, and a short time limit.</summary>
public sealed class SlowHtmlPlatform() : DocumentsPlatform(Platform.Data.Tenancy.PlatformMode.Local), IAsyncDisposable
{
    protected override void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        base.ConfigureServices(services, configuration);
        services.Configure<DocumentsOptions>(o =>
        {
            o.MaxHtmlDepth = int.MaxValue;
            o.ExtractionTimeoutSeconds = 10;
            o.WorkerConcurrency = 2;
            o.SweepSeconds = 1;
        });
    }

    public IngestionWorker Worker => Services.GetServices<IHostedService>().OfType<IngestionWorker>().Single();
    public IngestionSignals Signals => Services.GetRequiredService<IngestionSignals>();

    public async Task<Document> LoadAsync(Guid ws, Guid id)
    {
        await using var db = await Tenants.OpenAsync(ws);
        return await db.Documents.AsNoTracking().SingleAsync(d => d.Id == id);
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();
}
