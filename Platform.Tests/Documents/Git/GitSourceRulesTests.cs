using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Web.Features.Documents.Git;

namespace Platform.Tests.Documents.Git;

/// <summary>What may be imported, who may do it, and that one workspace never sees another's sources.</summary>
public class GitSourceRulesTests(GitImportPlatform platform) : IClassFixture<GitImportPlatform>
{
    [Theory]
    [InlineData("http://example.com/a/b.git", "Only https")]
    [InlineData("https://user:token@example.com/a/b.git", "credentials are never stored")]
    [InlineData("https://token@example.com/a/b.git", "credentials are never stored")]
    [InlineData("-uhttps://example.com/a.git", "cannot start with '-'")]
    [InlineData("--upload-pack=touch /tmp/x", "cannot start with '-'")]
    [InlineData("ext::sh -c touch% /tmp/pwned", "ext::")]
    [InlineData("ext::sh", "ext::")]
    [InlineData("file:///etc", "file:// URLs are not allowed")]
    [InlineData("git@github.com:owner/repo.git", "SSH addresses are not supported")]
    [InlineData("ssh://git@example.com/repo.git", "SSH addresses are not supported")]
    [InlineData("git://example.com/repo.git", "protocol is not allowed")]
    [InlineData("https://example.com/", "must point to a repository")]
    [InlineData("https://example.com/a/b.git?x=1", "query")]
    [InlineData("/etc", "not under an allowed folder")]
    [InlineData("", "Enter a repository")]
    [InlineData("https://127.0.0.1/owner/repo.git", "private or local network")]
    [InlineData("https://localhost/owner/repo.git", "private or local network")]
    [InlineData("https://169.254.169.254/latest/meta-data", "private or local network")]
    [InlineData("https://[::1]/owner/repo.git", "private or local network")]
    [InlineData("https://10.1.2.3/owner/repo.git", "private or local network")]
    public async Task Refused_addresses_give_a_clear_reason_and_save_nothing(string address, string reason)
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var result = await platform.Sources.AddAsync(ws, owner, new GitSourceRequest(address));
        Assert.Contains(reason, result.Error);
        Assert.Empty(await platform.Sources.ListAsync(ws, owner));
    }

    [Fact]
    public async Task Unknown_branch_not_a_repository_and_a_link_out_of_the_root_are_refused_when_adding()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var repo = platform.NewRepo().Write("a.md", "# A\n\ntext");
        repo.Commit();

        Assert.Equal("The branch \"nope\" does not exist in the repository.",
            (await platform.Sources.AddAsync(ws, owner, new GitSourceRequest(repo.Path, "nope"))).Error);
        Assert.Equal("A branch name cannot start with '-'.",
            (await platform.Sources.AddAsync(ws, owner, new GitSourceRequest(repo.Path, "--upload-pack=x"))).Error);
        Assert.Contains("no '..'", (await platform.Sources.AddAsync(ws, owner, new GitSourceRequest(repo.Path, null, "../x"))).Error);

        var plain = Directory.CreateDirectory(Path.Combine(platform.Root, "plain-" + Guid.NewGuid().ToString("N")[..6])).FullName;
        Assert.Equal("That is not a Git repository.", (await platform.Sources.AddAsync(ws, owner, new GitSourceRequest(plain))).Error);

        // A path that looks inside the root but leads outside through a symlink or "..".
        var outside = platform.NewRepo(Path.GetTempPath());
        outside.Write("x.md", "# X").Commit();
        var link = Path.Combine(platform.Root, "link-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateSymbolicLink(link, outside.Path);
        Assert.Contains("not under an allowed folder", (await platform.Sources.AddAsync(ws, owner, new GitSourceRequest(link))).Error);
        Assert.Contains("not under an allowed folder",
            (await platform.Sources.AddAsync(ws, owner, new GitSourceRequest(platform.Root + "/../" + Path.GetFileName(outside.Path)))).Error);
        Directory.Delete(outside.Path, recursive: true);

        Assert.Empty(await platform.Sources.ListAsync(ws, owner));
        // The same repository with a real branch works, and only once.
        Assert.Null((await platform.Sources.AddAsync(ws, owner, new GitSourceRequest(repo.Path, "main"))).Error);
        Assert.Contains("already a source", (await platform.Sources.AddAsync(ws, owner, new GitSourceRequest(repo.Path, "main"))).Error);
    }

    [Fact]
    public async Task Only_members_who_may_manage_documents_add_sync_or_remove_sources()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        var repo = platform.NewRepo().Write("a.md", "# A\n\ntext");
        repo.Commit();
        var member = await platform.AddMemberAsync(ws);
        var editor = await platform.AddMemberAsync(ws, "manage_documents");

        var refused = await platform.Sources.AddAsync(ws, member, new GitSourceRequest(repo.Path));
        Assert.Contains("don't have permission", refused.Error);
        var sourceId = (await platform.Sources.AddAsync(ws, editor, new GitSourceRequest(repo.Path))).Value;
        await platform.Syncer.DrainAsync(ws, CancellationToken.None);

        Assert.Single(await platform.Sources.ListAsync(ws, member));          // members see sources and history
        Assert.Single(await platform.Sources.HistoryAsync(ws, member, sourceId));
        Assert.Contains("don't have permission", (await platform.Sources.SyncNowAsync(ws, member, sourceId)).Error);
        Assert.Contains("don't have permission", (await platform.Sources.RemoveAsync(ws, member, sourceId, true)).Error);
        Assert.Null((await platform.Sources.SyncNowAsync(ws, editor, sourceId)).Error);
        Assert.Contains("already queued", (await platform.Sources.SyncNowAsync(ws, owner, sourceId)).Error);
    }

    [Fact]
    public async Task A_source_in_one_workspace_is_invisible_and_untouchable_from_another()
    {
        var (a, ownerA) = await platform.CreateWorkspaceAsync();
        var (b, ownerB) = await platform.CreateWorkspaceAsync();
        var repo = platform.NewRepo().Write("a.md", "# A\n\nThe secret of workspace A: cobalt finch.");
        repo.Commit();
        var sourceId = (await platform.Sources.AddAsync(a, ownerA, new GitSourceRequest(repo.Path))).Value;

        Assert.Equal(0, await platform.Syncer.DrainAsync(b, CancellationToken.None));
        Assert.Equal(1, await platform.Syncer.DrainAsync(a, CancellationToken.None));
        await platform.Processor.DrainAsync(a, CancellationToken.None);

        Assert.Empty(await platform.Sources.ListAsync(b, ownerB));
        Assert.Empty(await platform.Sources.HistoryAsync(b, ownerB, sourceId));
        Assert.Equal("The source no longer exists.", (await platform.Sources.SyncNowAsync(b, ownerB, sourceId)).Error);
        Assert.Equal("The source no longer exists.", (await platform.Sources.RemoveAsync(b, ownerB, sourceId, true)).Error);
        // Nor can A's owner act on it through B (workspace from membership, not from the id).
        Assert.Contains("not a member", (await platform.Sources.SyncNowAsync(b, ownerA, sourceId)).Error);
        Assert.Empty(await platform.Search.SearchAsync(b, ownerB, "cobalt finch", 5));
        Assert.Single(await platform.Sources.ListAsync(a, ownerA));
    }

    [Fact]
    public async Task A_git_command_that_hangs_is_killed_at_the_timeout()
    {
        // An https "server" that accepts connections and never answers (the TLS handshake never completes).
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = new List<Socket>();
        _ = Task.Run(async () => { try { while (true) accepted.Add(await listener.AcceptSocketAsync()); } catch (Exception) { } });

        var options = Options.Create(new GitImportOptions { TimeoutSeconds = 2, AllowPrivateNetworks = true });
        var repository = new GitRepository(new GitCli(options, NullLogger<GitCli>.Instance), options);
        var (address, _) = GitAddressRules.Parse($"https://127.0.0.1:{port}/owner/repo.git", []);
        var (checkout, error) = await repository.CloneAsync(address!, null, CancellationToken.None);
        Assert.Null(checkout);
        Assert.Equal("git took longer than 2 s and was stopped.", error);
        listener.Stop();
        foreach (var s in accepted) s.Dispose();
    }

    [Fact]
    public async Task Git_connects_to_the_addresses_that_were_checked_not_to_a_fresh_lookup_of_the_name()
    {
        // A name that resolves nowhere, pinned to a listener: if git looked the name up itself it could not connect.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var connected = listener.AcceptSocketAsync();

        var pin = HostGuard.PinArguments("rebind.invalid", port, [IPAddress.Loopback]);
        Assert.Equal(["-c", $"http.curloptResolve=rebind.invalid:{port}:127.0.0.1"], pin);
        Assert.Equal("h:443:1.2.3.4,[2001:db8::1]",
            HostGuard.PinArguments("h", 443, [IPAddress.Parse("1.2.3.4"), IPAddress.Parse("2001:db8::1")])[1]["http.curloptResolve=".Length..]);
        Assert.Empty(HostGuard.PinArguments("h", 443, []));

        var options = Options.Create(new GitImportOptions { TimeoutSeconds = 5 });
        var git = new GitCli(options, NullLogger<GitCli>.Instance);
        var run = git.RunAsync([.. pin, "ls-remote", "--", $"https://rebind.invalid:{port}/owner/repo.git"], null, false, CancellationToken.None);
        using var socket = await connected.WaitAsync(TimeSpan.FromSeconds(20));
        socket.Close(); // no TLS: git fails, having connected where it was told
        Assert.False((await run).Ok);
        listener.Stop();
    }

    [Fact]
    public async Task A_host_that_does_not_resolve_is_refused_before_git_runs()
    {
        var (refusal, addresses) = await HostGuard.CheckAsync("no-such-host.invalid", CancellationToken.None);
        Assert.Equal(HostGuard.Unresolvable, refusal);
        Assert.Empty(addresses);
    }

    [Theory]
    [InlineData("---\ntitle: \"From front matter\"\n---\n# Heading", "From front matter")]
    [InlineData("```\n# not a heading\n```\n\n## Real heading ##\n", "Real heading")]
    [InlineData("#hashtag\nplain text", "guide")]
    public void Titles_come_from_front_matter_then_the_first_heading_then_the_file_name(string text, string title) =>
        Assert.Equal(title, MarkdownTitle.Of(text, "docs/guide.md"));
}
