using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Platform.Web.Ai.Embeddings;

namespace Platform.Tests.Documents;

/// <summary>The built-in local model (arctic-embed-xs on ONNX Runtime), for real: no stub, no synonym list.</summary>
public sealed class LocalModelEmbeddingTests(LocalDocumentsPlatform platform) : IClassFixture<LocalDocumentsPlatform>
{
    [Fact]
    public async Task The_app_registers_the_model_as_its_embedding_generator()
    {
        var generator = platform.Services.GetRequiredService<IEmbeddingGenerator<string, Embedding<float>>>();
        Assert.Equal(LocalModelEmbeddingGenerator.ModelId, generator.GetService<EmbeddingGeneratorMetadata>()?.DefaultModelId);

        var embeddings = await generator.GenerateAsync(["employees get 25 vacation days", "How many days of holiday do staff get?"]);
        Assert.All(embeddings, e =>
        {
            Assert.Equal(StoredVector.Dimensions, e.Vector.Length);
            Assert.All(e.Vector.ToArray()[ArcticXsModel.Dimensions..], x => Assert.Equal(0f, x)); // zero padding
            Assert.Equal(1.0, Math.Sqrt(e.Vector.ToArray().Sum(x => (double)x * x)), 4);
        });
    }

    [Fact]
    public async Task The_model_ranks_a_paraphrase_that_shares_no_word_with_the_question_first()
    {
        var generator = new LocalModelEmbeddingGenerator(new LocalModelSettings(IntraOpThreads: Environment.ProcessorCount));
        string[] passages =
        [
            "The cafeteria serves soup on Mondays.",
            "Servers are patched on the first Tuesday of each month.",
            "Visitors must sign in at reception.",
            "Employees get 25 vacation days.",
        ];
        var vectors = await generator.GenerateAsync(passages);
        var query = (await generator.GenerateAsync(["When are machines updated with security fixes?"],
            new EmbeddingGenerationOptions { AdditionalProperties = new() { [LocalModelEmbeddingGenerator.InputTypeKey] = LocalModelEmbeddingGenerator.QueryInput } }))[0];
        var best = vectors.Select((v, i) => (Cosine(query.Vector.ToArray(), v.Vector.ToArray()), i)).Max().i;
        Assert.Equal(1, best);
    }

    [Fact]
    public async Task Search_finds_a_passage_by_meaning_alone_through_the_model_and_postgresql()
    {
        var (ws, owner) = await platform.CreateWorkspaceAsync();
        await platform.AddTextAsync(ws, "Patching", "# Maintenance\n\nServers are patched on the first Tuesday of each month.");
        await platform.AddTextAsync(ws, "Front desk", "# Reception\n\nVisitors must sign in at reception and wear a badge.");
        await platform.AddTextAsync(ws, "Canteen", "# Food\n\nThe cafeteria serves soup on Mondays.");
        await platform.AddTextAsync(ws, "Leave", "# Leave\n\nEmployees get 25 vacation days.");
        await platform.Processor.DrainAsync(ws, CancellationToken.None);

        // No word of either question occurs in the document it should find: full text contributes nothing.
        var patch = await platform.Search.SearchAsync(ws, owner, "When are machines updated with security fixes?", 4);
        Assert.Equal("Patching", patch[0].DocumentTitle);
        Assert.Null(patch[0].KeywordScore);
        var guests = await platform.Search.SearchAsync(ws, owner, "Where do guests register when they arrive?", 4);
        Assert.Equal("Front desk", guests[0].DocumentTitle);
        Assert.Null(guests[0].KeywordScore);
    }

    [Fact]
    public void Zero_padding_keeps_every_cosine_exactly()
    {
        var random = new Random(7);
        for (var n = 0; n < 50; n++)
        {
            var a = Enumerable.Range(0, ArcticXsModel.Dimensions).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var b = Enumerable.Range(0, ArcticXsModel.Dimensions).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            var (pa, pb) = (StoredVector.Pad(a), StoredVector.Pad(b));
            Assert.Equal(StoredVector.Dimensions, pa.Length);
            Assert.Equal(Cosine(a, b), Cosine(pa, pb)); // the added terms are 0 * 0: bit-identical sums
        }
        Assert.Throws<ArgumentException>(() => StoredVector.Pad(new float[StoredVector.Dimensions + 1]));
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++) { dot += a[i] * (double)b[i]; na += a[i] * (double)a[i]; nb += b[i] * (double)b[i]; }
        return dot / Math.Sqrt(na * nb);
    }
}
