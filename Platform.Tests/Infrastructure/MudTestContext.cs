using Bunit;
using MudBlazor.Services;

namespace Platform.Tests.Infrastructure;

/// <summary>
/// The one bUnit context for Platform's components: MudBlazor's services (no popover provider needed), loose JS
/// interop (MudBlazor calls JS the tests don't care about), and asynchronous disposal — MudBlazor's popover service
/// only disposes asynchronously, so xunit must dispose the context that way. Derive a test class from it, or
/// <c>await using var ctx = new MudTestContext()</c> inside a test.
/// </summary>
public class MudTestContext : BunitContext, IAsyncLifetime
{
    public MudTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o => o.PopoverOptions.CheckForPopoverProvider = false);
    }

    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;
    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();
}
