using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Platform.E2E.Infrastructure;

namespace Platform.E2E.Api;

/// <summary>The API through the real app (its own Program.cs pipeline): a key made in settings works on /api/v1,
/// errors are problem details (never the UI's "not found" page), and the reference page renders under the CSP.</summary>
[Collection(PlatformCollection.Name)]
public class ApiJourneys(AppServer app, Browser browser)
{
    [Fact]
    public async Task The_owner_creates_a_key_in_settings_and_uses_it_on_the_api()
    {
        var page = await browser.NewPageAsync(app);
        await AccountSteps.SignInAsync(page, AccountSteps.DemoOwnerEmail, AccountSteps.DemoOwnerPassword);
        await page.GotoAsync("/w/acme/settings/api-keys");
        await page.Locator("input[data-testid=api-key-name]").FillAsync("E2E integration");
        await page.Locator("[data-testid=api-key-create]").ClickAsync();
        var secret = (await page.Locator("[data-testid=api-key-secret]").TextContentAsync())!.Trim();
        Assert.StartsWith("plk_", secret);
        await Browser.ScreenshotAsync(page, "api-key-created");

        using var client = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        var list = await client.GetAsync("/api/v1/documents");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.True(JsonDocument.Parse(await list.Content.ReadAsStringAsync()).RootElement.GetProperty("total").GetInt32() > 0);
        var search = await client.PostAsJsonAsync("/api/v1/search", new { query = "onboarding", k = 3 });
        Assert.Equal(HttpStatusCode.OK, search.StatusCode);

        using var anonymous = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        var refused = await anonymous.GetAsync("/api/v1/documents");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var missing = await client.GetAsync($"/api/v1/documents/{Guid.NewGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);

        var errors = new List<string>();
        var reference = await browser.NewPageAsync(app);
        reference.Console += (_, message) => { if (message.Type == "error") errors.Add(message.Text); };
        await reference.GotoAsync("/api/docs");
        await Assertions.Expect(reference.GetByText("Platform API").First).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Browser.ScreenshotAsync(reference, "api-reference");
        Assert.DoesNotContain(errors, e => e.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
    }
}
