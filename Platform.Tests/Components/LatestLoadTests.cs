using Platform.Web.Components.Shared;

namespace Platform.Tests.Components;

public class LatestLoadTests
{
    [Fact]
    public async Task An_older_load_that_finishes_last_does_not_overwrite_a_newer_one()
    {
        var load = new LatestLoad();
        var shown = "";
        var slowOld = new TaskCompletionSource<string>();
        var old = load.RunAsync(() => slowOld.Task, rows => shown = rows);    // started first (stale data)
        await load.RunAsync(() => Task.FromResult("with the new invite"), rows => shown = rows);
        slowOld.SetResult("before the invite");
        await old;
        Assert.Equal("with the new invite", shown);
    }
}
