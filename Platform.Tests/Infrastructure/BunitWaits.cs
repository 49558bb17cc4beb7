using System.Runtime.CompilerServices;
using Bunit;

namespace Platform.Tests.Infrastructure;

/// <summary>
/// bUnit's WaitFor… helpers give up after one second by default. Our components load from a real PostgreSQL, and
/// on a busy CI machine (load far above its cores) a first query can take longer than that, which failed
/// BudgetAlertBadgeTests now and then. A wait is "eventually", not a speed check (speed belongs in the
/// benchmarks), so every wait in the suite gets a generous limit; a broken component still fails, just later.
/// </summary>
internal static class BunitWaits
{
    [ModuleInitializer]
    internal static void Initialize() => BunitContext.DefaultWaitTimeout = TimeSpan.FromSeconds(30);
}
