using Bunit;
using Platform.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Platform.Web.Features.Admin;

namespace Platform.Tests.Admin;

/// <summary>The admin audit log shows what changed as lines a person reads, with the raw JSON one click away.</summary>
public class AuditDetailsTests : MudTestContext
{
    public AuditDetailsTests()
    {
    }

    [Fact]
    public void A_rename_with_mixed_key_casing_reads_as_before_and_after()
    {
        // What workspace.renamed records: the before object in PascalCase, the after one in camelCase.
        var lines = AuditDetails.Describe("""{"from":{"Name":"Acme","Slug":"acme"},"to":{"name":"Acme Labs","slug":"acme"}}""");
        var line = Assert.Single(lines); // the unchanged address is not listed
        Assert.Equal(new AuditDetailLine("Name", "Acme", "Acme Labs", true), line);
    }

    [Fact]
    public void A_budget_change_names_its_fields_in_words_and_a_new_budget_starts_from_nothing()
    {
        var changed = AuditDetails.Describe("""
            {"from":{"MonthlyLimitUsd":0.010000,"WeeklyLimitUsd":null,"DailyLimitUsd":null,"Thresholds":[50,80,100],"WarnOnly":false},
             "to":{"MonthlyLimitUsd":0.0012,"WeeklyLimitUsd":null,"DailyLimitUsd":null,"Thresholds":[50,80,100],"WarnOnly":true}}
            """);
        Assert.Equal([new AuditDetailLine("Monthly limit ($)", "0.01", "0.0012", true), new AuditDetailLine("Warn only", "no", "yes", true)], changed);

        var created = AuditDetails.Describe("""{"from":null,"to":{"MonthlyLimitUsd":5,"Thresholds":[80]}}""");
        Assert.Equal([new AuditDetailLine("Monthly limit ($)", "—", "5", true), new AuditDetailLine("Thresholds", "—", "80", true)], created);
    }

    [Fact]
    public void Plain_details_are_listed_field_by_field_and_junk_is_shown_as_is()
    {
        Assert.Equal([new AuditDetailLine("Name", null, "Gateway", false), new AuditDetailLine("Key hint", null, "sk-…1234", false),
                      new AuditDetailLine("Last test result", null, "—", false)],
            AuditDetails.Describe("""{"Name":"Gateway","KeyHint":"sk-…1234","LastTestResult":null}"""));
        Assert.Equal([new AuditDetailLine("Details", null, "not json", false)], AuditDetails.Describe("not json"));
        Assert.Empty(AuditDetails.Describe("{}"));
    }

    [Fact]
    public async Task The_view_shows_lines_and_the_raw_json_on_demand()
    {
        var cut = Render<AuditDetailsView>(p => p.Add(x => x.Json, """{"from":{"Name":"Acme"},"to":{"name":"Acme Labs"}}"""));
        Assert.Contains("Name:", cut.Find("[data-testid=audit-line]").TextContent);
        Assert.Contains("Acme Labs", cut.Find("[data-testid=audit-line]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=audit-raw]"));
        Assert.DoesNotContain("\"from\"", cut.Markup);

        await cut.Find("[data-testid=audit-raw-toggle]").ClickAsync(new());
        Assert.Contains("\"from\"", cut.Find("[data-testid=audit-raw]").TextContent);
    }
}
