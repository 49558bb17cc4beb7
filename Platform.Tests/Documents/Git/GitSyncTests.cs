using Microsoft.EntityFrameworkCore;
using Platform.Data.Tenant.Entities;
using Platform.Web.Features.Documents.Git;

namespace Platform.Tests.Documents.Git;

/// <summary>Git import end to end on real PostgreSQL with real git repositories: sync, re-sync, ingestion, search.</summary>
public class GitSyncTests(GitImportPlatform platform) : IClassFixture<GitImportPlatform>
{
    private async Task<List<Document>> DocumentsAsync(Guid ws, Guid sourceId)
    {
        await using var db = await platform.Tenants.OpenAsync(ws);
        return await db.Documents.AsNoTracking().Where(d => d.GitSourceId == sourceId).OrderBy(d => d.SourcePath).ToListAsync();
    }

    private async Task<List<Guid>> ChunkIdsAsync(Guid ws, Guid documentId)
    {
        await using var db = await platform.Tenants.OpenAsync(ws);
        return await db.DocumentChunks.Where(c => c.DocumentId == documentId).OrderBy(c => c.Position).Select(c => c.Id).ToListAsync();
    }

    private async Task<GitSourceRow> SourceAsync(Guid ws, Guid owner, Guid sourceId) =>
        (await platform.Sources.ListAsync(ws, owner)).Single(s => s.Id == sourceId);

    [Fact]
    public async Task Import_resync_with_changes_and_resync_without_a_commit()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var repo = platform.NewRepo()
            .Write("docs/guide.md", "# Deployment guide\n\nDeploy with the blue-green switch called Kestrel Lantern.")
            .Write("docs/faq.md", "# FAQ\n\nThe helpdesk answers on weekdays about the aurora badge.")
            .Write("notes.markdown", "Notes without heading about the walrus budget.")
            .Write("README.txt", "Not markdown, not imported.");
        var first = repo.Commit("first");

        var added = await platform.Sources.AddAsync(ws, owner, new GitSourceRequest(repo.Path));
        Assert.Null(added.Error);
        var sourceId = added.Value;
        Assert.Equal(GitSourceStatus.Queued, (await SourceAsync(ws, owner, sourceId)).Status);

        Assert.Equal(1, await platform.Syncer.DrainAsync(ws, CancellationToken.None));
        var source = await SourceAsync(ws, owner, sourceId);
        Assert.Equal(GitSourceStatus.Idle, source.Status);
        Assert.Equal(first, source.LastCommit);
        Assert.Equal("main", source.ResolvedBranch);
        Assert.Equal(3, source.DocumentCount);

        var documents = await DocumentsAsync(ws, sourceId);
        Assert.Equal(["docs/faq.md", "docs/guide.md", "notes.markdown"], documents.Select(d => d.SourcePath));
        Assert.Equal(["FAQ", "Deployment guide", "notes"], documents.Select(d => d.Title));
        Assert.All(documents, d => Assert.Equal(source.Name, d.Category));
        Assert.All(documents, d => Assert.Contains("git", d.Tags));

        // The ordinary ingestion worker makes them ready and searchable.
        Assert.Equal(3, await platform.Processor.DrainAsync(ws, CancellationToken.None));
        Assert.All(await DocumentsAsync(ws, sourceId), d => Assert.Equal(DocumentStatus.Ready, d.Status));
        Assert.Equal("Deployment guide", (await platform.Search.SearchAsync(ws, owner, "Kestrel Lantern", 3))[0].DocumentTitle);
        var notes = documents.Single(d => d.SourcePath == "notes.markdown");
        var notesChunks = await ChunkIdsAsync(ws, notes.Id);
        Assert.NotEmpty(notesChunks);

        // Change one, add one, delete one.
        repo.Write("docs/guide.md", "# Deployment guide\n\nDeploy with the canary switch called Copper Heron.")
            .Write("docs/new.md", "# Onboarding\n\nNew starters get the violet keycard.")
            .Delete("docs/faq.md");
        var second = repo.Commit("second");
        Assert.Null((await platform.Sources.SyncNowAsync(ws, owner, sourceId)).Error);
        Assert.Equal(1, await platform.Syncer.DrainAsync(ws, CancellationToken.None));

        var run = (await platform.Sources.HistoryAsync(ws, owner, sourceId))[0];
        Assert.Equal((GitSyncRunStatus.Succeeded, 1, 1, 1, 1, 0), (run.Status, run.Added, run.Updated, run.Removed, run.Unchanged, run.Rejected));
        Assert.Equal(second, run.Commit);
        documents = await DocumentsAsync(ws, sourceId);
        Assert.Equal(["docs/guide.md", "docs/new.md", "notes.markdown"], documents.Select(d => d.SourcePath));
        Assert.Equal(DocumentStatus.Queued, documents[0].Status);                 // changed → re-ingested
        Assert.Equal(DocumentStatus.Ready, documents[2].Status);                  // unchanged → untouched

        Assert.Equal(2, await platform.Processor.DrainAsync(ws, CancellationToken.None));
        Assert.Equal(notesChunks, await ChunkIdsAsync(ws, notes.Id));              // no re-embedding of the unchanged one
        Assert.Equal("Deployment guide", (await platform.Search.SearchAsync(ws, owner, "Copper Heron", 3))[0].DocumentTitle);
        Assert.DoesNotContain(await platform.Search.SearchAsync(ws, owner, "Kestrel Lantern", 5), p => p.Content.Contains("Kestrel"));
        Assert.DoesNotContain(await platform.Search.SearchAsync(ws, owner, "aurora badge", 5), p => p.Content.Contains("aurora"));
        Assert.Equal("Onboarding", (await platform.Search.SearchAsync(ws, owner, "violet keycard", 3))[0].DocumentTitle);

        // No new commit: recorded as "no changes", documents untouched.
        var before = (await DocumentsAsync(ws, sourceId)).Select(d => (d.Id, d.UpdatedAt, d.Status)).ToList();
        Assert.Null((await platform.Sources.SyncNowAsync(ws, owner, sourceId)).Error);
        Assert.Equal(1, await platform.Syncer.DrainAsync(ws, CancellationToken.None));
        var history = await platform.Sources.HistoryAsync(ws, owner, sourceId);
        Assert.Equal([GitSyncRunStatus.NoChanges, GitSyncRunStatus.Succeeded, GitSyncRunStatus.Succeeded], history.Select(h => h.Status));
        Assert.Equal([GitSyncTrigger.Manual, GitSyncTrigger.Manual, GitSyncTrigger.First], history.Select(h => h.Trigger));
        Assert.Equal(before, (await DocumentsAsync(ws, sourceId)).Select(d => (d.Id, d.UpdatedAt, d.Status)).ToList());
        Assert.Equal(0, await platform.Processor.DrainAsync(ws, CancellationToken.None));
    }

    [Fact]
    public async Task Oversized_binary_and_symlinked_markdown_are_rejected_with_reasons_while_the_rest_imports()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var repo = platform.NewRepo()
            .Write("good.md", "# Good\n\nFine text about the harbour crane.")
            .Write("big.md", "# Big\n\n" + new string('x', (int)GitImportPlatform.MaxFileBytes + 10))
            .Write("junk.md", [0x89, 0x50, 0x4E, 0x47, 0x00, 0x00, 0xFF, 0xFE, 0x01])
            .Write("latin1.md", [0x23, 0x20, 0x43, 0x61, 0x66, 0xE9, 0x0A]) // "# Café" in Latin-1: not UTF-8
            .Symlink("link.md", "/etc/passwd");
        repo.Commit();

        var added = await platform.Sources.AddAsync(ws, owner, new GitSourceRequest(repo.Path));
        Assert.Null(added.Error);
        await platform.Syncer.DrainAsync(ws, CancellationToken.None);

        var run = (await platform.Sources.HistoryAsync(ws, owner, added.Value)).Single();
        Assert.Equal(GitSyncRunStatus.Succeeded, run.Status);
        Assert.Equal(1, run.Added);
        Assert.Equal(4, run.Rejected);
        Assert.Contains(run.Rejections, r => r.StartsWith("big.md: larger than"));
        Assert.Contains(run.Rejections, r => r.StartsWith("junk.md: binary"));
        Assert.Contains(run.Rejections, r => r.StartsWith("latin1.md: not UTF-8"));
        Assert.Contains(run.Rejections, r => r.StartsWith("link.md: symbolic links"));
        Assert.Equal(["good.md"], (await DocumentsAsync(ws, added.Value)).Select(d => d.SourcePath));
    }

    [Fact]
    public async Task A_sub_folder_limits_the_import_and_too_many_files_fail_the_run_without_touching_documents()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var repo = platform.NewRepo().Write("docs/a.md", "# A\n\nalpha").Write("other/b.md", "# B\n\nbeta");
        repo.Commit();
        var added = await platform.Sources.AddAsync(ws, owner, new GitSourceRequest(repo.Path, "main", "/docs/"));
        Assert.Null(added.Error);
        var sourceId = added.Value;
        await platform.Syncer.DrainAsync(ws, CancellationToken.None);
        Assert.Equal(["docs/a.md"], (await DocumentsAsync(ws, sourceId)).Select(d => d.SourcePath));

        for (var i = 0; i <= GitImportPlatform.MaxFiles; i++) repo.Write($"docs/many/{i}.md", $"# Page {i}\n\ntext {i}");
        repo.Commit("too many");
        await platform.Sources.SyncNowAsync(ws, owner, sourceId);
        await platform.Syncer.DrainAsync(ws, CancellationToken.None);

        var source = await SourceAsync(ws, owner, sourceId);
        Assert.Equal(GitSourceStatus.Failed, source.Status);
        Assert.Contains($"the limit per sync is {GitImportPlatform.MaxFiles}", source.StatusReason);
        var run = (await platform.Sources.HistoryAsync(ws, owner, sourceId))[0];
        Assert.Equal(GitSyncRunStatus.Failed, run.Status);
        Assert.Equal(source.StatusReason, run.Error);
        Assert.Equal(["docs/a.md"], (await DocumentsAsync(ws, sourceId)).Select(d => d.SourcePath));
    }

    [Fact]
    public async Task A_branch_that_disappears_fails_the_sync_with_its_reason_and_the_documents_stay()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var repo = platform.NewRepo().Write("a.md", "# A\n\nThe saffron protocol.");
        repo.Commit();
        repo.Git("branch", "release");
        var added = await platform.Sources.AddAsync(ws, owner, new GitSourceRequest(repo.Path, "release"));
        Assert.Null(added.Error);
        var sourceId = added.Value;
        await platform.Syncer.DrainAsync(ws, CancellationToken.None);
        await platform.Processor.DrainAsync(ws, CancellationToken.None);
        var before = await DocumentsAsync(ws, sourceId);

        repo.Git("branch", "-D", "release");
        await platform.Sources.SyncNowAsync(ws, owner, sourceId);
        await platform.Syncer.DrainAsync(ws, CancellationToken.None);

        var source = await SourceAsync(ws, owner, sourceId);
        Assert.Equal(GitSourceStatus.Failed, source.Status);
        Assert.Equal("The branch \"release\" does not exist in the repository.", source.StatusReason);
        var after = await DocumentsAsync(ws, sourceId);
        Assert.Equal(before.Select(d => (d.Id, d.Status, d.ContentHash)), after.Select(d => (d.Id, d.Status, d.ContentHash)));
        Assert.NotEmpty(await platform.Search.SearchAsync(ws, owner, "saffron protocol", 3));
    }

    [Fact]
    public async Task An_interrupted_sync_is_retried_after_its_lease_and_the_history_says_so()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var repo = platform.NewRepo().Write("a.md", "# A\n\ntext");
        repo.Commit();
        var sourceId = (await platform.Sources.AddAsync(ws, owner, new GitSourceRequest(repo.Path))).Value;
        await using (var db = await platform.Tenants.OpenAsync(ws))
        {
            // What a crash mid-sync leaves: the source syncing under a live lease, its run still "running".
            await db.GitSources.Where(s => s.Id == sourceId).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Status, GitSourceStatus.Syncing).SetProperty(x => x.Attempts, 1)
                .SetProperty(x => x.LeaseUntil, DateTimeOffset.UtcNow.AddMinutes(5)));
            db.GitSyncRuns.Add(new GitSyncRun { SourceId = sourceId, Trigger = GitSyncTrigger.First });
            await db.CommitAsync();
        }
        Assert.Equal(0, await platform.Syncer.DrainAsync(ws, CancellationToken.None)); // the lease is still running

        await using (var db = await platform.Tenants.OpenAsync(ws))
        {
            await db.GitSources.Where(s => s.Id == sourceId).ExecuteUpdateAsync(s => s.SetProperty(x => x.LeaseUntil, DateTimeOffset.UtcNow.AddSeconds(-1)));
            await db.CommitAsync();
        }
        Assert.Equal(1, await platform.Syncer.DrainAsync(ws, CancellationToken.None));

        Assert.Equal(GitSourceStatus.Idle, (await SourceAsync(ws, owner, sourceId)).Status);
        var history = await platform.Sources.HistoryAsync(ws, owner, sourceId);
        Assert.Equal([(GitSyncRunStatus.Succeeded, GitSyncTrigger.Retry), (GitSyncRunStatus.Failed, GitSyncTrigger.First)],
            history.Select(h => (h.Status, h.Trigger)));
        Assert.StartsWith("Interrupted", history[1].Error);
        Assert.Single(await DocumentsAsync(ws, sourceId));
    }

    [Fact]
    public async Task Removing_a_source_deletes_or_keeps_its_documents_as_asked()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var one = platform.NewRepo().Write("a.md", "# A\n\none");
        one.Commit();
        var two = platform.NewRepo().Write("b.md", "# B\n\ntwo");
        two.Commit();
        var first = (await platform.Sources.AddAsync(ws, owner, new GitSourceRequest(one.Path))).Value;
        var second = (await platform.Sources.AddAsync(ws, owner, new GitSourceRequest(two.Path))).Value;
        Assert.Equal(2, await platform.Syncer.DrainAsync(ws, CancellationToken.None));

        Assert.Null((await platform.Sources.RemoveAsync(ws, owner, first, deleteDocuments: true)).Error);
        Assert.Null((await platform.Sources.RemoveAsync(ws, owner, second, deleteDocuments: false)).Error);

        Assert.Empty(await platform.Sources.ListAsync(ws, owner));
        var left = await platform.Queries.ListAsync(ws, owner);
        Assert.Equal(["B"], left.Select(d => d.Title));           // kept as an ordinary document, path still shown
        Assert.Equal("b.md", left[0].SourcePath);
        await using var db = await platform.Tenants.OpenAsync(ws);
        Assert.Equal(0, await db.GitSyncRuns.CountAsync());
    }
}

/// <summary>Every sync scenario again with the workspaces' data in their own tenant database (Hosted mode).</summary>
public sealed class HostedGitSyncTests(HostedGitImportPlatform platform) : GitSyncTests(platform), IClassFixture<HostedGitImportPlatform>;
