using System.Diagnostics;
using Microsoft.Playwright;
using Platform.E2E.Infrastructure;

namespace Platform.E2E.Documents;

/// <summary>The app for Git import journeys: a temp folder is its one allowed local root, holding a real repository.</summary>
public sealed class GitImportApp : IAsyncLifetime
{
    public AppServer Server { get; } = new();
    public string Root { get; } = Directory.CreateTempSubdirectory("e2e-git-").FullName;
    public string Repository => Path.Combine(Root, "handbook");

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(Repository, "docs"));
        Git("init", "-q", "-b", "main");
        Write("docs/handbook.md", "# Engineering handbook\n\nWe deploy on Tuesdays with the canary switch called Copper Heron.\n\n## On-call\n\nThe on-call engineer carries the pager for one week.");
        Write("docs/release.md", "---\ntitle: Release checklist\n---\n\n1. Tag the release\n2. Announce it in the releases channel");
        Write("README.md", "# Readme\n\nThis repository holds our handbook.");
        Commit("first");
        Server.Environment_["Documents__Git__LocalRoots__0"] = Root;
        return Server.InitializeAsync();
    }

    public void Write(string path, string text) => File.WriteAllText(Path.Combine(Repository, path), text);

    public void Commit(string message)
    {
        Git("add", "-A");
        Git("-c", "user.name=E2E", "-c", "user.email=e2e@test.local", "commit", "-q", "-m", message);
    }

    private void Git(params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = Repository, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        using var p = Process.Start(start)!;
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"git {string.Join(' ', args)}: {error}");
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class GitImportCollection : ICollectionFixture<GitImportApp>, ICollectionFixture<Browser>
{
    public const string Name = "git-import";
}

[Collection(GitImportCollection.Name)]
public class GitImportJourneys(GitImportApp git, Browser browser)
{
    private static ILocator Field(IPage page, string testId) => page.Locator($"input[data-testid={testId}], [data-testid={testId}] input").First;

    [Fact]
    public async Task Import_a_local_repository_watch_it_sync_see_its_documents_resync_and_open_the_history()
    {
        var page = await browser.NewPageAsync(git.Server);
        await AccountSteps.SignInAsync(page, AccountSteps.DemoOwnerEmail, AccountSteps.DemoOwnerPassword);
        await page.GotoAsync("/w/acme/documents");
        await page.Locator("[data-testid=upload-zone][data-interactive=true]").WaitForAsync();

        // A refused address is explained in the dialog and nothing is saved.
        await page.Locator("[data-testid=git-import]").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Field(page, "git-repository").FillAsync("http://example.com/team/handbook.git");
        await page.Locator("[data-testid=git-import-submit]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=git-import-error]")).ToContainTextAsync("Only https");
        await Browser.ScreenshotAsync(page, "git-1-refused");

        await Field(page, "git-repository").FillAsync(git.Repository);
        await Field(page, "git-folder").FillAsync("docs");
        await Browser.ScreenshotAsync(page, "git-2-dialog");
        await page.Locator("[data-testid=git-import-submit]").ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);

        // The page switches to the sources tab and follows the background sync live.
        var status = page.Locator("[data-testid=git-source-status]");
        await Assertions.Expect(status).ToHaveAttributeAsync("data-status", "idle", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-testid=git-source-documents]")).ToHaveTextAsync("2");
        await Assertions.Expect(page.Locator("[data-testid=git-sources]")).ToContainTextAsync("main (default)");
        await Browser.ScreenshotAsync(page, "git-3-synced");

        // Its documents are ordinary documents: ingested by the worker, with their repository path.
        await page.Locator(".mud-tab", new() { HasText = "Documents" }).ClickAsync();
        var imported = page.Locator("[data-testid=documents-table] tr", new() { Has = page.Locator("[data-testid=document-source-path]") });
        await Assertions.Expect(imported).ToHaveCountAsync(2);
        await Assertions.Expect(imported.Locator("[data-testid=document-status][data-status=ready]")).ToHaveCountAsync(2, new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-testid=documents-table]")).ToContainTextAsync("docs/release.md");
        await Assertions.Expect(page.Locator("[data-testid=documents-table]")).ToContainTextAsync("Release checklist");
        await Browser.ScreenshotAsync(page, "git-4-documents");

        // A new commit, then "Sync now": one file changed, one added.
        git.Write("docs/handbook.md", "# Engineering handbook\n\nWe deploy on Thursdays now.");
        git.Write("docs/incidents.md", "# Incidents\n\nWrite a postmortem within two days.");
        git.Commit("second");
        await page.Locator(".mud-tab", new() { HasText = "Git sources" }).ClickAsync();
        await page.Locator("[data-testid=git-sync-now]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=git-source-documents]")).ToHaveTextAsync("3", new() { Timeout = 60_000 });
        await Assertions.Expect(status).ToHaveAttributeAsync("data-status", "idle", new() { Timeout = 60_000 });

        await page.Locator("[data-testid=git-history-open]").ClickAsync();
        var runs = page.Locator("[data-testid=git-run-status]");
        await Assertions.Expect(runs).ToHaveCountAsync(2);
        await Assertions.Expect(runs.First).ToHaveAttributeAsync("data-status", "succeeded");
        await Assertions.Expect(page.Locator("[data-testid=git-run-added]").First).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("[data-testid=git-run-updated]").First).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("[data-testid=git-run-removed]").First).ToHaveTextAsync("0");
        await Assertions.Expect(page.Locator("[data-testid=git-run-unchanged]").First).ToHaveTextAsync("1");
        await Browser.ScreenshotAsync(page, "git-5-history");

        // An imported document opens like any other, naming its source and repository path.
        await page.Locator("[data-testid=git-history-close]").ClickAsync();
        await page.Locator(".mud-tab", new() { HasText = "Documents" }).ClickAsync();
        await page.Locator("[data-testid=documents-table] a", new() { HasText = "Incidents" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=document-text]")).ToContainTextAsync("postmortem", new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("[data-testid=document-meta]")).ToContainTextAsync("handbook: docs/incidents.md");
        await Browser.ScreenshotAsync(page, "git-6-document");
    }
}
