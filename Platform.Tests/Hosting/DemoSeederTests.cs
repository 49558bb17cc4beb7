using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Platform.Web.Hosting;

namespace Platform.Tests.Hosting;

/// <summary>The demo owner (a platform admin with a published password) exists only in Development, or with --demo.
/// (Platform.E2E's ProductionJourneys starts the real app in Production and finds no such user.)</summary>
public class DemoSeederTests
{
    private sealed class Env(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "Platform.Web";
        public string ContentRootPath { get; set; } = "/";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }

    [Theory]
    [InlineData("Development", true, false, true)]
    [InlineData("Development", false, false, false)]
    [InlineData("Production", true, false, false)]
    [InlineData("Staging", true, false, false)]
    [InlineData("Production", false, true, true)]
    public void Seeds_only_in_Development_or_when_asked_explicitly(string environment, bool seedDemo, bool flag, bool seeds) =>
        Assert.Equal(seeds, DemoSeeder.ShouldSeed(new Env(environment), new PlatformOptions { SeedDemo = seedDemo },
            flag ? ["Platform.Web.dll", DemoSeeder.DemoFlag] : ["Platform.Web.dll"], NullLogger.Instance));
}
