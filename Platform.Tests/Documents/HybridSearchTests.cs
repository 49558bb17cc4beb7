using Platform.Data.Tenancy;
using Platform.Web.Ai;
using Platform.Web.Features.Documents.Search;

namespace Platform.Tests.Documents;

/// <summary>A small labelled set: each query has one right document, findable only by keyword or only by meaning.</summary>
public abstract class HybridSearchTests(DocumentsPlatform platform)
{
    private static readonly (string Title, string Text)[] Corpus =
    [
        ("Leave policy", "# Leave\n\nEvery employee has 28 days of paid leave per year, plus public holidays."),
        ("Error codes", "# Error codes\n\nThe payment gateway returns code ZX-4471 when the card issuer declines."),
        ("Laptops", "# Equipment\n\nEach new starter receives a notebook computer configured by IT on day one."),
        ("Parking", "# Parking\n\nThe garage under building B has forty spaces reserved for visitors."),
        ("Kitchen", "# Kitchen\n\nPlease clean the coffee machine every Friday afternoon."),
    ];

    private async Task<(Guid Ws, Guid Owner)> SeedAsync()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        foreach (var (title, text) in Corpus) await platform.AddTextAsync(ws, title, text);
        await platform.Processor.DrainAsync(ws, CancellationToken.None);
        return (ws, owner);
    }

    [Fact]
    public async Task An_exact_code_is_found_by_keyword()
    {
        var (ws, owner) = await SeedAsync();
        var hits = await platform.Search.SearchAsync(ws, owner, "ZX-4471", 3);
        Assert.Equal("Error codes", hits[0].DocumentTitle);
        Assert.NotNull(hits[0].KeywordScore);
    }

    [Fact]
    public async Task A_question_in_other_words_is_found_by_meaning()
    {
        var (ws, owner) = await SeedAsync();
        // "vacation" and "laptop" appear in no document: full-text finds nothing, the vector leg does.
        var vacation = await platform.Search.SearchAsync(ws, owner, "how much vacation do I get", 3);
        Assert.Equal("Leave policy", vacation[0].DocumentTitle);
        Assert.Null(vacation[0].KeywordScore);
        var laptop = await platform.Search.SearchAsync(ws, owner, "when do I get my laptop", 3);
        Assert.Equal("Laptops", laptop[0].DocumentTitle);
    }

    [Fact]
    public async Task Always_k_results_when_k_exist_and_filters_apply()
    {
        var (ws, owner) = await SeedAsync();
        var all = await platform.Search.SearchAsync(ws, owner, "anything at all", 5);
        Assert.Equal(5, all.Count);
        var one = all.First(p => p.DocumentTitle == "Parking");
        var filtered = await platform.Search.SearchAsync(ws, owner, "coffee", 5, new KnowledgeFilters(DocumentIds: [one.DocumentId]));
        Assert.Single(filtered);
        Assert.Equal("Parking", filtered[0].DocumentTitle);
    }

    [Fact]
    public async Task Chunks_holding_every_word_outrank_one_repeating_a_single_word()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        await platform.AddTextAsync(ws, "Refund form", "# Refunds\n\nTo claim a refund for travel, fill in form R2 within thirty days.");
        await platform.AddTextAsync(ws, "Refund limits", "# Limits\n\nA travel refund above 500 euros needs the approval of your manager.");
        await platform.AddTextAsync(ws, "Travel notes", "# Travel\n\nTravel, travel, travel: book travel early, travel light and keep every travel receipt.");
        await platform.Processor.DrainAsync(ws, CancellationToken.None);

        var hits = await platform.Search.SearchAsync(ws, owner, "travel refund", 2);
        Assert.Equal(["Refund form", "Refund limits"], hits.Select(p => p.DocumentTitle).Order().ToList());
        Assert.All(hits, p => Assert.NotNull(p.KeywordScore));
    }

    [Fact]
    public async Task When_no_chunk_holds_every_word_any_word_counts()
    {
        var (ws, owner) = await SeedAsync();
        // "coffee" is only in Kitchen, "visitors" only in Parking: the conjunction matches nothing.
        var hits = await platform.Search.SearchAsync(ws, owner, "coffee visitors", 5);
        var byKeyword = hits.Where(p => p.KeywordScore is not null).Select(p => p.DocumentTitle).Order().ToList();
        Assert.Equal(["Kitchen", "Parking"], byKeyword);
    }

    [Fact]
    public async Task A_word_found_in_most_chunks_does_not_count_as_keyword_evidence()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        for (var i = 0; i < KeywordQuery.PruneFromChunks + 10; i++)
            await platform.AddTextAsync(ws, $"Acme note {i}", $"# Note {i}\n\nAcme weekly note number {i} about item{i} and the usual business.");
        await platform.AddTextAsync(ws, "Zebra", "# Crossings\n\nThe zebra crossing outside reception is repainted in May.");
        await platform.Processor.DrainAsync(ws, CancellationToken.None);

        // No chunk holds both words. "acme" is in nearly every chunk, so "any word" means only "zebra": ranking
        // every Acme note by a word they all share would be slow and tell nothing.
        var hits = await platform.Search.SearchAsync(ws, owner, "acme zebra", 10);
        Assert.Equal(10, hits.Count);
        var byKeyword = hits.Where(p => p.KeywordScore is not null).Select(p => p.DocumentTitle).ToList();
        Assert.Equal(["Zebra"], byKeyword);
    }

    [Fact]
    public async Task Search_never_returns_another_workspaces_passages()
    {
        var (a, ownerA) = await SeedAsync();
        var (b, ownerB) = await platform.CreateWorkspaceAsync();
        await platform.AddTextAsync(b, "B secret", "# Secret\n\nThe merger code name is BLUEFALCON.");
        await platform.Processor.DrainAsync(b, CancellationToken.None);

        var fromA = await platform.Search.SearchAsync(a, ownerA, "BLUEFALCON merger code name", 10);
        Assert.Equal(5, fromA.Count);
        Assert.DoesNotContain(fromA, p => p.DocumentTitle == "B secret");
        var fromB = await platform.Search.SearchAsync(b, ownerB, "paid leave", 10);
        Assert.Single(fromB);
        Assert.Equal("B secret", fromB[0].DocumentTitle);
    }
}

public sealed class LocalHybridSearchTests(LocalDocumentsPlatform platform) : HybridSearchTests(platform), IClassFixture<LocalDocumentsPlatform>;

public sealed class HostedHybridSearchTests(HostedDocumentsPlatform platform) : HybridSearchTests(platform), IClassFixture<HostedDocumentsPlatform>;
