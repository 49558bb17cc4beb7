using Microsoft.Extensions.Options;
using Platform.Web.Ai.Pricing;

namespace Platform.Tests.Costs;

public class PricingTests
{
    private static PriceTable Table() => new(Options.Create(new PricingOptions
    {
        Models = new(StringComparer.OrdinalIgnoreCase)
        {
            ["gpt-4o"] = new() { InputPerMillion = 2.50m, OutputPerMillion = 10.00m },
            ["gpt-4o-mini"] = new() { InputPerMillion = 0.15m, OutputPerMillion = 0.60m },
            ["text-embedding-3-small"] = new() { InputPerMillion = 0.02m, OutputPerMillion = 0m },
        },
        FreeProviders = ["ollama"],
    }));

    [Fact]
    public void Price_is_tokens_times_price_per_million_in_exact_decimals()
    {
        var quote = Table().Quote("openai", "gpt-4o", 1_000_000, 1_000_000);
        Assert.True(quote.Known);
        Assert.Equal(12.50m, quote.CostUsd);
        Assert.Equal(0.000375m, Table().Quote("openai", "gpt-4o-mini", 1000, 375).CostUsd); // 0.00015 + 0.000225
    }

    [Theory]
    [InlineData(1, 0, "0.000003")]     // 0.0000025 → half away from zero → 0.000003
    [InlineData(3, 0, "0.000008")]     // 0.0000075 → 0.000008
    [InlineData(0, 1, "0.00001")]      // exact
    [InlineData(123457, 98765, "1.296293")] // 0.3086425 + 0.98765 = 1.2962925 → 1.296293
    public void Price_is_rounded_half_away_from_zero_to_six_places(long input, long output, string expected)
    {
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            Table().Quote("openai", "gpt-4o", input, output).CostUsd);
    }

    [Theory]
    [InlineData("gpt-4o-2024-08-06", 2.50)]
    [InlineData("gpt-4o-mini-2024-07-18", 0.15)] // the longest listed prefix wins
    [InlineData("openai/gpt-4o-mini", 0.15)]     // vendor prefix (OpenRouter) ignored
    [InlineData("GPT-4O", 2.50)]
    public void Dated_and_prefixed_model_names_find_their_price(string model, double inputPrice)
    {
        Assert.Equal((decimal)inputPrice, Table().Find(model)!.InputPerMillion);
    }

    [Fact]
    public void Unknown_model_costs_zero_and_says_so()
    {
        var quote = Table().Quote("openai", "gpt-4oo", 1000, 1000);
        Assert.False(quote.Known);
        Assert.Equal(0m, quote.CostUsd);
        Assert.Null(Table().Find("gpt-4"));
    }

    [Fact]
    public void Offline_and_free_providers_cost_zero_whatever_the_model()
    {
        Assert.Equal(new PriceQuote(0m, true), Table().Quote("offline", "gpt-4o", 1_000_000, 1_000_000));
        Assert.Equal(new PriceQuote(0m, true), Table().Quote("ollama", "llama3.1", 5000, 5000));
    }

    [Fact]
    public void Embeddings_pay_for_input_only()
    {
        Assert.Equal(0.00002m, Table().Quote("openai", "text-embedding-3-small", 1000, 0).CostUsd);
    }
}

public class TokenCounterTests
{
    private readonly TokenCounter _counter = new();

    [Fact]
    public void Counts_tokens_with_the_o200k_encoding_offline()
    {
        Assert.Equal(0, _counter.Count(""));
        Assert.Equal(2, _counter.Count("Hello world"));
        var paragraph = string.Join(' ', Enumerable.Repeat("The quick brown fox jumps over the lazy dog.", 20));
        var tokens = _counter.Count(paragraph);
        Assert.InRange(tokens, 180, 220); // ~10 tokens per sentence, far from the 900 characters
    }

    [Fact]
    public void Chat_messages_add_their_overhead()
    {
        var messages = new[] { "You are helpful.", "Hello world" };
        var expected = _counter.Count(messages[0]) + _counter.Count(messages[1]) + 3 * TokenCounter.PerMessageOverhead;
        Assert.Equal(expected, _counter.CountMessages(messages));
    }
}
