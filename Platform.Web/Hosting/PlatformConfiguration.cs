namespace Platform.Web.Hosting;

public static class PlatformConfiguration
{
    /// <summary>The repository's appsettings.json is the one configuration file (copied next to the binary at
    /// build). Environment variables (Database__Main …) override it, which is how ./platform and Docker set it.</summary>
    public static IConfigurationBuilder AddPlatformConfiguration(this ConfigurationManager configuration, IWebHostEnvironment env)
    {
        var beside = Path.Combine(AppContext.BaseDirectory, "appsettings.json");
        if (File.Exists(beside)) configuration.AddJsonFile(beside, optional: false, reloadOnChange: false);
        configuration.AddEnvironmentVariables();
        return configuration;
    }
}

/// <summary>The "Platform" section of appsettings.json.</summary>
public sealed class PlatformOptions
{
    public const string Section = "Platform";

    /// <summary>Create the demo workspace "Acme" on first start.</summary>
    public bool SeedDemo { get; set; } = true;

    /// <summary>People who become platform admins when they register. Without any admin, a one-time setup link is
    /// printed to the log instead (Features/Account/AdminSetup).</summary>
    public string[] AdminEmails { get; set; } = [];

    /// <summary>How long the one-time admin setup link printed at start (when no admin exists) stays valid.</summary>
    public TimeSpan SetupLinkValidFor { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Base address used in links the platform mails out (never the request's Host header). Empty: the
    /// first address the server listens on (see Features/Account/PublicLinks).</summary>
    public string PublicUrl { get; set; } = "";
}
