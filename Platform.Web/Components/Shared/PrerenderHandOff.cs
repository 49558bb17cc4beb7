using System.Text.Json;

namespace Platform.Web.Components.Shared;

/// <summary>
/// Pages load their first data while prerendering (so the first paint shows it) and hand it to the circuit with
/// <c>[PersistentState]</c>, which shows it at once instead of loading it again. The handed state travels back in
/// the circuit's first SignalR message, so it must stay small: each component hands over at most
/// <see cref="MaxBytes"/> of JSON, and the hub accepts <see cref="MaxCircuitMessageBytes"/> (a page hands over two
/// or three such pieces, protected and base64-encoded). Bigger data is not handed over: the circuit loads it.
/// </summary>
public static class PrerenderHandOff
{
    public const int MaxBytes = 64 * 1024;

    /// <summary>SignalR's default is 32 KB; three hand-offs of <see cref="MaxBytes"/>, encrypted and base64, fit.</summary>
    public const int MaxCircuitMessageBytes = 320 * 1024;

    /// <summary><paramref name="value"/> when its JSON fits <see cref="MaxBytes"/>, else null (nothing handed over).</summary>
    public static T? IfSmall<T>(T value) where T : class =>
        JsonSerializer.SerializeToUtf8Bytes(value, JsonSerializerOptions.Web).Length <= MaxBytes ? value : null;
}
