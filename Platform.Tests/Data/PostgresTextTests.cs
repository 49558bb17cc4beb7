using Microsoft.EntityFrameworkCore;
using Platform.Data.Tenancy;
using Platform.Data.Text;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Data;

/// <summary>Text PostgreSQL cannot hold is cleaned by the save interceptor of both contexts.</summary>
public class PostgresTextTests(LocalPlatform platform) : IClassFixture<LocalPlatform>
{
    [Fact]
    public void Clean_drops_nul_and_replaces_lone_surrogates()
    {
        // A plain array, not theory data: test case names with lone surrogates do not serialize.
        (string Input, string Expected)[] cases =
        [
            ("plain", "plain"), ("a\0b\0", "ab"), ("x\uD800y", "x\uFFFDy"), ("x\uDC00", "x\uFFFD"),
            ("pair \uD83D\uDE00 kept", "pair \uD83D\uDE00 kept"), ("\uD83D\0\uDE00", "\uFFFD\uFFFD"),
        ];
        foreach (var (input, expected) in cases)
        {
            Assert.Equal(expected, PostgresText.Clean(input));
            Assert.True(PostgresText.IsClean(PostgresText.Clean(input)));
        }
        var clean = "unchanged";
        Assert.Same(clean, PostgresText.Clean(clean));
    }

    [Fact]
    public async Task A_workspace_name_with_a_nul_and_a_lone_surrogate_is_saved_cleaned_in_the_main_database()
    {
        var (id, _) = await platform.CreateWorkspaceAsync("Acme\0 Corp\uD800");
        await using var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(id));
        Assert.Equal("Acme Corp\uFFFD", await db.Workspaces.Where(w => w.Id == id).Select(w => w.Name).SingleAsync());
    }
}
