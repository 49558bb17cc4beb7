using MudBlazor;

namespace Platform.Web.Components.Layout;

public static class PlatformTheme
{
    // System fonts: the app works offline, so no web-font download.
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight { Primary = "#4F46E5", Secondary = "#0EA5E9", AppbarBackground = "#312E81" },
        PaletteDark = new PaletteDark { Primary = "#818CF8", Secondary = "#38BDF8" },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"] },
        },
    };
}
