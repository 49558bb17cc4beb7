using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Platform.Data.Tenancy;
using Platform.Data.Tenant;
using Platform.Data.Tenant.Entities;
using Platform.Tests.Infrastructure;
using Platform.Web.Features.Chat.Retrieval;
using Platform.Web.Features.Documents.Ingestion;
using Platform.Web.Features.Workspaces;
using ChatRow = Platform.Data.Tenant.Entities.Chat;

namespace Platform.Tests.Tenancy;

/// <summary>
/// The second layer of tenant isolation: with row-level security out of the picture (<see cref="RlsBypassPlatform"/>),
/// the application's own workspace predicates still keep two workspaces that share a store apart — EF query filters
/// on every tenant entity, explicit workspace_id predicates in raw SQL, and SaveChanges refusing foreign rows.
/// Workspaces A and B hold the same documents, so any missing predicate shows up as one of B's rows.
/// </summary>
public class RlsBypassIsolationTests(RlsBypassPlatform platform) : IClassFixture<RlsBypassPlatform>, IAsyncLifetime
{
    private static readonly (string Title, string Text)[] Corpus =
    [
        ("Leave policy", "# Leave\n\nEvery employee has 28 days of paid leave per year, plus public holidays."),
        ("Error codes", "# Error codes\n\nThe payment gateway returns code ZX-4471 when the card issuer declines."),
        ("Kitchen", "# Kitchen\n\nPlease clean the coffee machine every Friday afternoon."),
    ];

    private Guid _a, _ownerA, _b, _ownerB;

    public async Task InitializeAsync()
    {
        (_a, _ownerA) = await platform.CreateWorkspaceOnBypassStoreAsync("A");
        (_b, _ownerB) = await platform.CreateWorkspaceOnBypassStoreAsync("B");
        foreach (var (workspace, owner) in new[] { (_a, _ownerA), (_b, _ownerB) })
        {
            await WorkspaceRows.SeedAsync(platform, workspace, owner);
            // Nearly the same text in both (a copy note keeps intake from calling it a duplicate of another test's).
            var copy = $"\n\nCopy {Guid.NewGuid():N}.";
            foreach (var (title, text) in Corpus) await platform.AddTextAsync(workspace, title, text + copy);
            await platform.Processor.DrainAsync(workspace, CancellationToken.None);
        }
        // The premise: inside A's unit of work this store shows B's rows to anyone who asks for them.
        await using var db = await platform.Tenants.OpenAsync(_a);
        var visible = await db.Database.SqlQuery<long>($"SELECT count(*) AS \"Value\" FROM tenant.chats WHERE workspace_id = {_b}").SingleAsync();
        Assert.True(visible > 0, "the test store must not be protected by row-level security");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Every_entity_query_returns_only_the_contexts_workspace_rows()
    {
        // A then B through the same (cached) queries: the workspace is a parameter of each context, not a constant.
        foreach (var workspace in new[] { _a, _b })
        {
            await using var db = await platform.Tenants.OpenAsync(workspace);
            foreach (var type in db.Model.GetEntityTypes())
            {
                var workspaces = await WorkspaceIdsAsync(db, type.ClrType);
                Assert.True(workspaces.Count > 0, $"{type.GetTableName()} has no row of the workspace: add one in WorkspaceRows");
                Assert.True(workspaces.All(w => w == workspace), $"{type.GetTableName()} returned rows of another workspace");
            }
            var chats = await db.Chats.Include(c => c.Messages).ToListAsync();
            Assert.All(chats.SelectMany(c => c.Messages), m => Assert.Equal(workspace, m.WorkspaceId));
            Assert.Equal(Corpus.Length + 1, await db.Documents.CountAsync());
        }
    }

    [Fact]
    public async Task A_cannot_read_or_delete_Bs_document_by_its_id()
    {
        var bDocument = (await IdsAsync(_b, "documents"))[0];
        var before = await platform.RowsOfAsync(_b);
        Assert.Null(await platform.Queries.GetAsync(_a, _ownerA, bDocument));
        Assert.False(await platform.Queries.DeleteAsync(_a, _ownerA, bDocument));
        Assert.Equal(before, await platform.RowsOfAsync(_b));
    }

    [Fact]
    public async Task Searches_for_A_never_return_Bs_chunks()
    {
        var bDocuments = (await IdsAsync(_b, "documents")).ToHashSet();
        var bChunks = (await IdsAsync(_b, "document_chunks")).ToHashSet();
        var keyword = new KeywordKnowledgeSearch(platform.Tenants);
        foreach (var query in new[] { "paid leave per year", "ZX-4471", "coffee machine Friday", "anything at all" })
        {
            var hybrid = await platform.Search.SearchAsync(_a, _ownerA, query, 20);
            Assert.NotEmpty(hybrid);
            Assert.DoesNotContain(hybrid, p => bDocuments.Contains(p.DocumentId) || bChunks.Contains(p.ChunkId));
            var keywordOnly = await keyword.SearchAsync(_a, _ownerA, query, 20);
            Assert.DoesNotContain(keywordOnly, p => bDocuments.Contains(p.DocumentId) || bChunks.Contains(p.ChunkId));
        }
        Assert.NotEmpty(await keyword.SearchAsync(_a, _ownerA, "paid leave per year", 20));
    }

    [Fact]
    public async Task Deleting_As_rows_leaves_Bs_rows_intact()
    {
        var sources = platform.Services.GetRequiredService<DataSourceRegistry>();
        var a = await platform.RowsOfAsync(_a);
        var b = await platform.RowsOfAsync(_b);
        Assert.True(b.Values.Sum() > 0);

        var counted = await TenantStoreRows.CountAsync(sources, platform.BypassStore, _a);
        Assert.Equal(a.OrderBy(kv => kv.Key), counted.OrderBy(kv => kv.Key));
        await TenantStoreRows.DeleteAsync(sources, platform.BypassStore, _a);

        Assert.All(await platform.RowsOfAsync(_a), kv => Assert.True(kv.Value == 0, $"{kv.Key} kept rows of A"));
        Assert.Equal(b, await platform.RowsOfAsync(_b));
    }

    [Fact]
    public async Task Saving_a_row_of_another_workspace_throws_and_writes_nothing()
    {
        var bChat = (await IdsAsync(_b, "chats"))[0];
        var before = await platform.RowsOfAsync(_b);
        await using (var db = await platform.Tenants.OpenAsync(_a))
        {
            db.Chats.Add(new ChatRow { WorkspaceId = _b, UserId = _ownerB, Title = "planted" });
            await Assert.ThrowsAsync<CrossWorkspaceWriteException>(() => db.CommitAsync());
        }
        await using (var db = await platform.Tenants.OpenAsync(_a))
        {
            db.Chats.Update(new ChatRow { WorkspaceId = _b, Id = bChat, UserId = _ownerB, Title = "overwritten" });
            await Assert.ThrowsAsync<CrossWorkspaceWriteException>(() => db.CommitAsync());
        }
        await using (var db = await platform.Tenants.OpenAsync(_a))
        {
            db.Chats.Remove(new ChatRow { WorkspaceId = _b, Id = bChat });
            Assert.Throws<CrossWorkspaceWriteException>(() => db.SaveChanges()); // the synchronous path too
        }
        Assert.Equal(before, await platform.RowsOfAsync(_b));
    }

    [Fact]
    public async Task A_context_without_a_workspace_refuses_every_write()
    {
        await using var db = platform.Tenants.Create(platform.BypassStore, DbSession.None);
        await db.Database.BeginTransactionAsync();
        db.Chats.Add(new ChatRow { UserId = _ownerA, Title = "nobody's" });
        await Assert.ThrowsAsync<CrossWorkspaceWriteException>(() => db.SaveChangesAsync());
    }

    [Fact]
    public async Task Chunks_are_only_written_into_the_transactions_workspace()
    {
        var aDocument = (await IdsAsync(_a, "documents"))[0];
        var before = await platform.RowsOfAsync(_a);
        var source = platform.Services.GetRequiredService<DataSourceRegistry>().Get(platform.BypassStore);
        await using var connection = await source.OpenConnectionAsync();
        await using var tx = await TenantSessionInterceptor.BeginAsync(connection, DbSession.ForWorkspace(_b));
        var chunk = new NewChunk(Guid.CreateVersion7(), 99, "planted", 1, null, 0, 7, null);
        await Assert.ThrowsAsync<CrossWorkspaceWriteException>(() => ChunkWriter.WriteAsync(connection, _a, aDocument, [chunk], null));
        await tx.CommitAsync();
        Assert.Equal(before, await platform.RowsOfAsync(_a));
    }

    private static Task<List<Guid>> WorkspaceIdsAsync(TenantDbContext db, Type entity) =>
        (Task<List<Guid>>)typeof(RlsBypassIsolationTests).GetMethod(nameof(WorkspaceIdsOfAsync), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(entity).Invoke(null, [db])!;

    private static Task<List<Guid>> WorkspaceIdsOfAsync<T>(TenantDbContext db) where T : TenantEntity =>
        db.Set<T>().Select(e => e.WorkspaceId).ToListAsync();

    /// <summary>Ids of one workspace's rows in a tenant table, read by the bypassing role.</summary>
    private async Task<List<Guid>> IdsAsync(Guid workspaceId, string table)
    {
        await using var c = new NpgsqlConnection(platform.BypassStore);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SELECT id FROM tenant.\"{table}\" WHERE workspace_id = @ws ORDER BY id", c);
        cmd.Parameters.AddWithValue("ws", workspaceId);
        var ids = new List<Guid>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) ids.Add(reader.GetGuid(0));
        return ids;
    }
}
