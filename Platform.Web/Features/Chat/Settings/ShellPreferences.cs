using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using Platform.Data.Main.Entities;

namespace Platform.Web.Features.Chat.Settings;

/// <summary>
/// The signed-in user's display preferences for this circuit (theme, hide personal info), read once from
/// <see cref="PreferencesStore"/> and kept in step with saves made in any tab of the same user.
/// Scoped: one per circuit; the shell (MainLayout, UserMenu) and chat headers read it.
/// </summary>
public sealed class ShellPreferences : IDisposable
{
    private readonly AuthenticationStateProvider auth;
    private readonly PreferencesStore store;
    private readonly IDisposable _saves;
    private Guid? _userId;

    public ShellPreferences(AuthenticationStateProvider auth, PreferencesStore store, ILogger<ShellPreferences> logger)
    {
        this.auth = auth;
        this.store = store;
        Changed = new Signal<ShellPreferences>(logger, nameof(ShellPreferences));
        _saves = store.Saved.Subscribe(OnSaved);
    }

    /// <summary>light, dark or system.</summary>
    public string Theme { get; private set; } = "system";
    public bool HidePersonalInfo { get; private set; }
    public bool Loaded { get; private set; }

    /// <summary>Published (possibly off the circuit's thread) when a preference changed.</summary>
    public Signal<ShellPreferences> Changed { get; }

    /// <summary>Loads the signed-in user's preferences; anonymous users keep the defaults.</summary>
    public async Task LoadAsync(CancellationToken ct = default)
    {
        var state = await auth.GetAuthenticationStateAsync();
        _userId = Guid.TryParse(state.User.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;
        if (_userId is { } userId)
        {
            var prefs = await store.GetAsync(userId, ct);
            Theme = prefs.Theme;
            HidePersonalInfo = prefs.HidePersonalInfo;
        }
        Loaded = true;
        Changed.Publish(this);
    }

    /// <summary>Saves the theme chosen with the app-bar toggle (other preferences unchanged).</summary>
    public async Task SaveThemeAsync(bool dark, CancellationToken ct = default)
    {
        Theme = dark ? "dark" : "light";
        if (_userId is not { } userId) return;
        var prefs = await store.GetAsync(userId, ct);
        prefs.Theme = Theme;
        await store.SaveAsync(userId, prefs, ct);
    }

    /// <summary>What to show for a name or email: masked when the user asked to hide personal info.</summary>
    public string Display(string? personal) => HidePersonalInfo ? Mask(personal) : personal ?? "";

    /// <summary>"owner@acme.test" → "o••••@••••"; names keep only their first letter.</summary>
    public static string Mask(string? personal) =>
        string.IsNullOrEmpty(personal) ? "" : personal[0] + "••••" + (personal.Contains('@') ? "@••••" : "");

    private void OnSaved(UserPreferences prefs)
    {
        if (prefs.UserId != _userId) return;
        Theme = prefs.Theme;
        HidePersonalInfo = prefs.HidePersonalInfo;
        Changed.Publish(this);
    }

    public void Dispose() => _saves.Dispose();
}
