using Platform.Web.Ai;
using Platform.Web.Features.Documents;

namespace Platform.Tests.Documents;

/// <summary>Category and tags given at upload/paste reach the search page's filter lists and narrow its results.</summary>
public class CategoryTagTests(LocalDocumentsPlatform platform) : IClassFixture<LocalDocumentsPlatform>
{
    [Fact]
    public void Tags_typed_comma_separated_are_trimmed_and_empties_dropped()
    {
        Assert.Equal(["hr", "policy", "on call"], DocumentsPage.ParseTags(" hr, policy,, on call ,"));
        Assert.Empty(DocumentsPage.ParseTags(null));
    }

    [Fact]
    public async Task Documents_added_with_category_and_tags_are_offered_as_filters_and_filter_the_search()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var (other, _) = await platform.CreateWorkspaceAsync();
        var hr = (await platform.Intake.AddTextAsync(ws, owner, "Leave", "Vacation requests go to your manager.", "HR", ["policy", " people "])).DocumentId!.Value;
        var it = (await platform.Intake.AddFileAsync(ws, owner, "vpn.md", new MemoryStream("# VPN\n\nVacation travel still needs the VPN."u8.ToArray()),
            40, "IT", ["security"])).DocumentId!.Value;
        await platform.Intake.AddTextAsync(other, null, "Hidden", "Their vacation rules.", "Secret", ["private"]);
        await platform.Processor.DrainAsync(ws, CancellationToken.None);

        var (categories, tags) = await platform.Queries.FacetsAsync(ws, owner);
        Assert.Equal(["HR", "IT"], categories);
        Assert.Equal(["people", "policy", "security"], tags);

        var all = await platform.Search.SearchAsync(ws, owner, "vacation", 10);
        Assert.Equal([hr, it], all.Select(p => p.DocumentId).Distinct().Order());
        var byCategory = await platform.Search.SearchAsync(ws, owner, "vacation", 10, new KnowledgeFilters(Category: "IT"));
        Assert.Equal(it, Assert.Single(byCategory.Select(p => p.DocumentId).Distinct()));
        var byTag = await platform.Search.SearchAsync(ws, owner, "vacation", 10, new KnowledgeFilters(Tags: ["people", "nothing"]));
        Assert.Equal(hr, Assert.Single(byTag.Select(p => p.DocumentId).Distinct()));
        Assert.Empty(await platform.Search.SearchAsync(ws, owner, "vacation", 10, new KnowledgeFilters(Tags: ["private"])));
    }
}
