using Bunit;
using Platform.Tests.Infrastructure;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Platform.Data.Tenancy;
using Platform.Tests.Workspaces;
using Platform.Web.Features.Api.Keys;
using Platform.Web.Features.Workspaces;
using Platform.Web.Features.Workspaces.Settings;

namespace Platform.Tests.Api;

/// <summary>bUnit: the "API keys" settings tab with the real services on real PostgreSQL: the key is shown once,
/// listed by its prefix only, and revoked from the table.</summary>
public class ApiKeysSettingsTests : MudTestContext, IClassFixture<LocalApiPlatform>
{
    private readonly LocalApiPlatform _platform;

    public ApiKeysSettingsTests(LocalApiPlatform platform)
    {
        _platform = platform;
        Services.AddSingleton(platform.Keys);
        Services.AddSingleton(platform.Services.GetRequiredService<WorkspaceDirectory>());
        Services.AddSingleton(TimeProvider.System);
    }

    [Fact]
    public async Task A_new_key_is_shown_once_listed_by_prefix_and_revocable()
    {
        var (ws, owner) = await _platform.CreateWorkspaceAsync();
        Services.AddSingleton<AuthenticationStateProvider>(new SignedIn(owner));
        Services.AddScoped<CurrentWorkspace>();
        string slug;
        await using (var db = _platform.Main.Create(DbSession.None))
            slug = await db.Workspaces.Where(w => w.Id == ws).Select(w => w.Slug).SingleAsync();
        Assert.NotNull(await Services.GetRequiredService<CurrentWorkspace>().EnterAsync(slug));
        var grant = (await _platform.Services.GetRequiredService<WorkspacePermissions>().GetAsync(ws, owner))!;

        var tab = Render<ApiKeysSettings>(p => p.Add(x => x.Grant, grant));
        tab.Find("input[data-testid=api-key-name]").Input("Zapier");
        tab.WaitForAssertion(() => Assert.False(tab.Find("[data-testid=api-key-create]").HasAttribute("disabled")));
        await tab.Find("[data-testid=api-key-create]").ClickAsync(new());
        tab.WaitForAssertion(() => Assert.StartsWith("plk_", tab.Find("[data-testid=api-key-secret]").TextContent), TimeSpan.FromSeconds(5));
        var secret = tab.Find("[data-testid=api-key-secret]").TextContent;
        Assert.Null(await _platform.Keys.RefusalAsync(ws, (await _platform.Keys.ListAsync(_platform.MemberScope(ws, owner))).Single().Id));

        // Dismissed, the key is gone from the page; the table shows its prefix only.
        tab.FindAll("button").First(b => b.TextContent.Contains("Done")).Click();
        tab.WaitForAssertion(() => Assert.DoesNotContain(secret, tab.Markup));
        Assert.Contains("Zapier", tab.Find("[data-testid=api-keys-table]").TextContent);

        await tab.FindAll("button").First(b => b.TextContent.Contains("Revoke")).ClickAsync(new());
        tab.WaitForAssertion(() => Assert.Contains("revoked", tab.Find("[data-testid=api-keys-table]").TextContent), TimeSpan.FromSeconds(5));
        Assert.NotNull((await _platform.Keys.ListAsync(_platform.MemberScope(ws, owner))).Single().RevokedAt);
    }

}
