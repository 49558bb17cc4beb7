using Microsoft.EntityFrameworkCore;
using Platform.Data.Tenant.Entities;
using Platform.Web.Ai.Embeddings;
using Platform.Web.Features.Documents.Ingestion;

namespace Platform.Tests.Documents;

public class IngestionTests(LocalDocumentsPlatform platform) : IClassFixture<LocalDocumentsPlatform>
{
    private async Task<Document> LoadAsync(Guid ws, Guid id)
    {
        await using var db = await platform.Tenants.OpenAsync(ws);
        return await db.Documents.AsNoTracking().SingleAsync(d => d.Id == id);
    }

    private async Task<int> CountAsync(Guid ws, string sql)
    {
        await using var db = await platform.Tenants.OpenAsync(ws);
        return await db.Database.SqlQueryRaw<int>(sql).SingleAsync();
    }

    [Fact]
    public async Task A_batch_of_real_files_becomes_ready_with_chunks_embeddings_and_keyword_entries()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var files = new (string Name, byte[] Data)[]
        {
            ("report.pdf", ExtractionTests.Pdf("Quarterly revenue grew by twelve percent.")),
            ("policy.docx", ExtractionTests.Docx("Travel", "Book flights through the travel desk.")),
            ("notes.md", "# Notes\n\nThe launch is planned for March."u8.ToArray()),
            ("page.html", "<html><body><h1>FAQ</h1><p>Returns within 30 days.</p></body></html>"u8.ToArray()),
            ("people.csv", "name,team\nAda,Ops\n"u8.ToArray()),
            ("junk.txt", [0, 1, 2, 3, 0, 0, 7]),
        };
        var results = new List<IntakeResult>();
        foreach (var (name, data) in files)
            results.Add(await platform.Intake.AddFileAsync(ws, owner, name, new MemoryStream(data), data.Length));

        Assert.Equal(5, results.Count(r => r.Outcome == IntakeOutcome.Queued));
        Assert.Equal(IntakeOutcome.Rejected, results[^1].Outcome);   // the junk file, with a reason; the others went on

        Assert.Equal(5, await platform.Processor.DrainAsync(ws, CancellationToken.None));
        var rows = await platform.Queries.ListAsync(ws, owner);
        Assert.All(rows, r => Assert.Equal(DocumentStatus.Ready, r.Status));
        Assert.All(rows, r => Assert.Equal(LocalModelEmbeddingGenerator.ModelId, r.EmbeddingModel));
        Assert.Equal(rows.Sum(r => r.ChunkCount), await CountAsync(ws, "SELECT count(*)::int AS \"Value\" FROM tenant.document_chunks WHERE embedding IS NOT NULL"));
        // Every chunk has its keyword entry (visible without a search query through the "*all*" lexeme)…
        Assert.Equal(rows.Sum(r => r.ChunkCount), await CountAsync(ws, "SELECT count(*)::int AS \"Value\" FROM tenant.document_chunk_search"));
        // …and the passages are found by keyword.
        var hits = await platform.Search.SearchAsync(ws, owner, "revenue", 3);
        Assert.Equal("report", hits[0].DocumentTitle);
        Assert.NotNull(hits[0].KeywordScore);
        Assert.Contains(platform.Usage.Snapshot(), u => u.WorkspaceId == ws && u.Service == "embedding" && u.Operation == "document");
    }

    [Fact]
    public async Task Duplicates_are_detected_by_content_and_files_over_the_limit_are_rejected_unread()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var data = "Same content twice."u8.ToArray();
        var first = await platform.Intake.AddFileAsync(ws, owner, "a.txt", new MemoryStream(data), data.Length);
        var second = await platform.Intake.AddFileAsync(ws, owner, "b.txt", new MemoryStream(data), data.Length);
        Assert.Equal(IntakeOutcome.Queued, first.Outcome);
        Assert.Equal(IntakeOutcome.Duplicate, second.Outcome);
        Assert.Equal(first.DocumentId, second.DocumentId);
        Assert.Contains("Already in the knowledge base", second.Message);

        var tooBig = await platform.Intake.AddFileAsync(ws, owner, "big.txt", new MemoryStream(), platform.Intake.MaxFileBytes + 1);
        Assert.Equal(IntakeOutcome.Rejected, tooBig.Outcome);
        Assert.Contains("larger than the limit", tooBig.Message);
        // A stream that lies about its size is cut off at the limit as well.
        var liar = await platform.Intake.AddFileAsync(ws, owner, "liar.txt", new MemoryStream(new byte[platform.Intake.MaxFileBytes + 10]), 10);
        Assert.Equal(IntakeOutcome.Rejected, liar.Outcome);
    }

    [Fact]
    public async Task Malformed_file_fails_with_its_reason_and_the_next_document_is_still_processed()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var broken = ExtractionTests.Pdf("cut")[..200];
        var bad = await platform.Intake.AddFileAsync(ws, owner, "broken.pdf", new MemoryStream(broken), broken.Length);
        var good = await platform.AddTextAsync(ws, "Good", "Fine text about invoices.");
        await platform.Processor.DrainAsync(ws, CancellationToken.None);

        var failed = await LoadAsync(ws, bad.DocumentId!.Value);
        Assert.Equal(DocumentStatus.Failed, failed.Status);
        Assert.Contains("PDF", failed.StatusReason);
        Assert.Equal(DocumentStatus.Ready, (await LoadAsync(ws, good)).Status);
    }

    [Fact]
    public async Task Work_left_by_a_crashed_worker_is_resumed_after_its_lease_and_queued_work_after_a_restart()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var stuck = await platform.AddTextAsync(ws, "Stuck", "Left half-processed by a worker that died.");
        var queued = await platform.AddTextAsync(ws, "Queued", "Never started before the restart.");
        await using (var db = await platform.Tenants.OpenAsync(ws))
        {
            // What a crash leaves: status processing, an attempt counted, a lease that is still running.
            await db.Documents.Where(d => d.Id == stuck).ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, DocumentStatus.Processing).SetProperty(d => d.Attempts, 1)
                .SetProperty(d => d.LeaseUntil, DateTimeOffset.UtcNow.AddMinutes(5)));
            await db.CommitAsync();
        }
        // A new worker (a "restarted" process) takes the queued one but leaves the leased one alone…
        Assert.Equal(1, await platform.Processor.DrainAsync(ws, CancellationToken.None));
        Assert.Equal(DocumentStatus.Ready, (await LoadAsync(ws, queued)).Status);
        Assert.Equal(DocumentStatus.Processing, (await LoadAsync(ws, stuck)).Status);

        // …until the lease has run out.
        await using (var db = await platform.Tenants.OpenAsync(ws))
        {
            await db.Documents.Where(d => d.Id == stuck).ExecuteUpdateAsync(s => s.SetProperty(d => d.LeaseUntil, DateTimeOffset.UtcNow.AddSeconds(-1)));
            await db.CommitAsync();
        }
        Assert.Equal(1, await platform.Processor.DrainAsync(ws, CancellationToken.None));
        var resumed = await LoadAsync(ws, stuck);
        Assert.Equal(DocumentStatus.Ready, resumed.Status);
        Assert.Equal(2, resumed.Attempts);
    }

    [Fact]
    public async Task Deleting_a_document_removes_its_chunks_file_and_keyword_entries()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var id = await platform.AddTextAsync(ws, "To delete", "# Heading\n\nSome words about penguins.");
        await platform.Processor.DrainAsync(ws, CancellationToken.None);
        Assert.NotEmpty(await platform.Search.SearchAsync(ws, owner, "penguins", 5));

        Assert.True(await platform.Queries.DeleteAsync(ws, owner, id));
        Assert.Equal(0, await CountAsync(ws, "SELECT count(*)::int AS \"Value\" FROM tenant.document_chunks"));
        Assert.Equal(0, await CountAsync(ws, "SELECT count(*)::int AS \"Value\" FROM tenant.document_files"));
        await using var db = await platform.Tenants.OpenAsync(ws);
        await db.Database.ExecuteSqlRawAsync("SELECT set_config('app.search_query', 'penguin', true)");
        Assert.Equal(0, await db.Database.SqlQueryRaw<int>("SELECT count(*)::int AS \"Value\" FROM tenant.document_chunk_search").SingleAsync());
    }

    [Fact]
    public async Task The_seeded_kind_of_document_with_only_content_is_processed()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        Guid id;
        await using (var db = await platform.Tenants.OpenAsync(ws, owner))
        {
            var doc = new Document { Title = "Seeded", Content = "# Seed\n\nContent without a file, as the demo seed writes it." };
            db.Documents.Add(doc);
            await db.CommitAsync();
            id = doc.Id;
        }
        await platform.Processor.DrainAsync(ws, CancellationToken.None);
        Assert.Equal(DocumentStatus.Ready, (await LoadAsync(ws, id)).Status);
    }
}
