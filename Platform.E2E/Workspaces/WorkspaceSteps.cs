using Microsoft.Playwright;
using Platform.E2E.Infrastructure;

namespace Platform.E2E.Workspaces;

/// <summary>Small helpers for the Workspaces journeys (on top of the shared AccountSteps/Browser).</summary>
public static class WorkspaceSteps
{
    public const string Password = "Journey!Passw0rd";

    public static string NewEmail(string who) => $"{who}-{Guid.NewGuid():N}"[..20] + "@journey.test";

    /// <summary>The input behind a MudBlazor field, wherever the data-testid landed (input or its wrapper).</summary>
    public static ILocator Field(IPage page, string testId) =>
        page.Locator($"input[data-testid={testId}], textarea[data-testid={testId}], [data-testid={testId}] input, [data-testid={testId}] textarea").First;

    public static Task ShotAsync(IPage page, string name) => Browser.ScreenshotAsync(page, "workspaces-" + name);
}
