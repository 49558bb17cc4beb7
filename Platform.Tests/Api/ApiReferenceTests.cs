using System.Net;
using System.Text.Json;

namespace Platform.Tests.Api;

/// <summary>The OpenAPI document comes from the endpoints' code and the reference page serves it, without a key.</summary>
public class ApiReferenceTests(LocalApiPlatform platform) : IClassFixture<LocalApiPlatform>
{
    [Fact]
    public async Task The_openapi_document_lists_the_endpoints_and_the_bearer_scheme_and_the_reference_page_loads_it()
    {
        await using var server = await platform.StartAsync();
        using var client = server.Client(null);

        var document = JsonDocument.Parse(await client.GetStringAsync("/api/openapi/v1.json")).RootElement;
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/v1/documents", paths);
        Assert.Contains("/api/v1/documents/{id}", paths);
        Assert.Contains("/api/v1/documents/text", paths);
        Assert.Contains("/api/v1/search", paths);
        Assert.DoesNotContain(paths, p => !p.StartsWith("/api/v1/"));
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());

        var page = await client.GetAsync("/api/docs");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("openapi", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<script", html);
    }
}
