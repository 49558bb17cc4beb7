using Microsoft.Playwright;
using Platform.E2E.Infrastructure;
using static Platform.E2E.Workspaces.WorkspaceSteps;

namespace Platform.E2E.Workspaces;

[Collection(PlatformCollection.Name)]
public class TeamRoleJourney(AppServer app, Browser browser)
{
    /// <summary>An owner makes a role and gives it to a team in Settings → Roles &amp; teams; the team says what it grants.</summary>
    [Fact]
    public async Task An_owner_gives_a_team_a_role_and_the_team_shows_what_it_grants()
    {
        var page = await browser.NewPageAsync(app);
        await AccountSteps.SignInAsync(page, AccountSteps.DemoOwnerEmail, AccountSteps.DemoOwnerPassword);
        await page.GotoAsync("/w/acme/settings/roles");
        var suffix = Guid.NewGuid().ToString("N")[..5];
        var role = "Cost readers " + suffix;

        var roleForm = page.Locator("[data-testid=role-form]");
        await Field(page, "role-name").FillAsync(role);
        await roleForm.GetByText("See AI costs").ClickAsync();
        await page.Locator("[data-testid=role-save]").ClickAsync();
        await Assertions.Expect(page.GetByText(role).First).ToBeVisibleAsync();

        await Field(page, "team-name").FillAsync("Finance " + suffix);
        await page.Locator("[data-testid=team-role]").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = role }).ClickAsync();
        await page.Locator("[data-testid=team-save]").ClickAsync();

        var grants = page.Locator("[data-testid=team-grants]", new() { HasText = role });
        await Assertions.Expect(grants).ToContainTextAsync("See AI costs");
        await ShotAsync(page, "roles-and-teams");
    }
}
