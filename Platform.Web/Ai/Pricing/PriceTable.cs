using Microsoft.Extensions.Options;

namespace Platform.Web.Ai.Pricing;

/// <summary>USD per million tokens for one model.</summary>
public sealed class ModelPrice
{
    public decimal InputPerMillion { get; set; }
    public decimal OutputPerMillion { get; set; }
}

/// <summary>appsettings "Pricing": model → price, and the providers that cost nothing (offline, local). The ONE price
/// table: billing (the cost writer), budget reservations and the chat's per-message cost all read it.</summary>
public sealed class PricingOptions
{
    public const string Section = "Pricing";

    /// <summary>Keyed by model name (case-insensitive). A dated or suffixed model ("gpt-4o-2024-08-06") takes
    /// the price of its longest listed prefix; a vendor prefix ("openai/gpt-4o") is ignored.</summary>
    public Dictionary<string, ModelPrice> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Providers whose calls cost 0 whatever the model: the built-in offline ones, local runtimes. An entry
    /// matches a provider's name (an endpoint's host and port, e.g. "localhost:11434") or its host alone
    /// (e.g. "ollama" for http://ollama:11434 in a compose file). Every other provider is paid.</summary>
    public string[] FreeProviders { get; set; } = ["offline"];

    /// <summary>Optional price for a paid provider's model that is not listed in <see cref="Models"/>. Unset (the
    /// default): such a model is refused, never run unbilled at $0.</summary>
    public ModelPrice? DefaultModel { get; set; }
}

/// <summary>A computed price: <see cref="Known"/> is false when the model is not in the table (cost 0, logged).</summary>
public readonly record struct PriceQuote(decimal CostUsd, bool Known);

/// <summary>Turns tokens into money with decimal arithmetic, rounded half away from zero to 6 places (the
/// precision of cost_events.cost_usd, so what is computed is exactly what is stored).</summary>
public sealed class PriceTable
{
    private readonly Dictionary<string, ModelPrice> _models;
    private readonly HashSet<string> _freeProviders;
    private readonly string[] _prefixesLongestFirst;
    private readonly ModelPrice? _default;

    public PriceTable(IOptions<PricingOptions> options)
    {
        _models = new Dictionary<string, ModelPrice>(options.Value.Models, StringComparer.OrdinalIgnoreCase);
        _freeProviders = new HashSet<string>(options.Value.FreeProviders, StringComparer.OrdinalIgnoreCase) { "offline" };
        _prefixesLongestFirst = _models.Keys.OrderByDescending(k => k.Length).ToArray();
        _default = options.Value.DefaultModel;
    }

    public const int Scale = 6;

    public PriceQuote Quote(string provider, string model, long inputTokens, long outputTokens)
    {
        if (IsFree(provider)) return new PriceQuote(0m, true);
        var price = Find(model) ?? _default;
        if (price is null) return new PriceQuote(0m, false);
        var cost = (Math.Max(0, inputTokens) * price.InputPerMillion + Math.Max(0, outputTokens) * price.OutputPerMillion) / 1_000_000m;
        return new PriceQuote(Math.Round(cost, Scale, MidpointRounding.AwayFromZero), true);
    }

    /// <summary>Whether calls to this provider cost nothing: "offline", or listed in Pricing:FreeProviders by its
    /// name (host:port) or by its host alone.</summary>
    public bool IsFree(string provider)
    {
        if (string.IsNullOrWhiteSpace(provider)) return false;
        if (_freeProviders.Contains(provider)) return true;
        var colon = provider.LastIndexOf(':');
        return colon > 0 && !provider.EndsWith(']') && _freeProviders.Contains(provider[..colon]);
    }

    /// <summary>Whether a call to this provider and model can be billed: free, listed, or priced by
    /// Pricing:DefaultModel. A call that can't be billed must not run.</summary>
    public bool CanBill(string provider, string model) => Quote(provider, model, 0, 0).Known;

    /// <summary>What a user is told when <see cref="CanBill"/> is false.</summary>
    public static string Unpriced(string model) =>
        $"{model} has no price; add it to Pricing:Models or ask your admin.";

    /// <summary>The price of a model, or null when neither it nor a prefix of it is listed.</summary>
    public ModelPrice? Find(string model)
    {
        if (string.IsNullOrWhiteSpace(model)) return null;
        var name = model.Trim();
        if (_models.TryGetValue(name, out var exact)) return exact;
        var slash = name.LastIndexOf('/');
        if (slash >= 0 && slash < name.Length - 1) name = name[(slash + 1)..];
        if (_models.TryGetValue(name, out var unprefixed)) return unprefixed;
        foreach (var prefix in _prefixesLongestFirst)
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && name.Length > prefix.Length && name[prefix.Length] is '-' or ':' or '@' or '.')
                return _models[prefix];
        return null;
    }

    /// <summary>The most a call can cost: every prompt token at the input price plus the output limit sent with the
    /// request at the output price. What the budget guard reserves before it.</summary>
    public decimal MaxCost(string provider, string model, long inputTokens, long maxOutputTokens) =>
        Quote(provider, model, inputTokens, maxOutputTokens).CostUsd;
}
