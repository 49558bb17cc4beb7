using Platform.Web.Features.Documents.Ingestion;

namespace Platform.Tests.Documents;

public class ChunkerTests
{
    private static string Words(int n, string word = "alpha") => string.Join(' ', Enumerable.Range(0, n).Select(i => $"{word}{i % 97}."));

    [Fact]
    public void Chunks_are_exact_substrings_and_cover_the_text_in_order()
    {
        var text = "# Title\n\n" + string.Join("\n\n", Enumerable.Range(0, 40).Select(i => $"Paragraph {i}. " + Words(60)));
        var chunks = new Chunker(200, 30).Split(text);
        Assert.True(chunks.Count > 5);
        Assert.Equal(0, chunks[0].Start);
        Assert.Equal(text.Length, chunks[^1].End);
        for (var i = 1; i < chunks.Count; i++)
        {
            if (chunks[i].Start > chunks[i - 1].End)
                Assert.True(string.IsNullOrWhiteSpace(text[chunks[i - 1].End..chunks[i].Start]), "only blank lines between chunks");
            Assert.True(chunks[i].Start > chunks[i - 1].Start, "chunks move forward");
        }
        Assert.All(chunks, c => Assert.InRange(c.Tokens, 1, 200));
    }

    [Fact]
    public void A_heading_starts_a_new_chunk_and_names_its_section()
    {
        var text = $"# Handbook\n\n## Time off\n\n{Words(100)}\n\n## Expenses\n\n{Words(100, "beta")}";
        var chunks = new Chunker(512, 64).Split(text);
        Assert.Equal(2, chunks.Count);
        Assert.StartsWith("# Handbook", text[chunks[0].Start..chunks[0].End]);
        Assert.StartsWith("## Expenses", text[chunks[1].Start..chunks[1].End]);
        Assert.Equal("Handbook › Time off", chunks[0].Section);
        Assert.Equal("Handbook › Expenses", chunks[1].Section);
    }

    [Fact]
    public void A_huge_paragraph_is_cut_at_sentences_with_overlap()
    {
        var text = string.Join(' ', Enumerable.Range(0, 400).Select(i => $"Sentence number {i} talks about topic {i}."));
        var chunks = new Chunker(128, 32).Split(text);
        Assert.True(chunks.Count >= 10);
        for (var i = 1; i < chunks.Count; i++)
        {
            Assert.True(chunks[i].Start < chunks[i - 1].End, $"chunk {i} overlaps the previous one");
            var overlap = TokenEstimator.Count(text.AsSpan(chunks[i].Start, chunks[i - 1].End - chunks[i].Start));
            Assert.InRange(overlap, 1, 32);
        }
        Assert.All(chunks, c => Assert.True(c.Tokens <= 128));
    }

    [Fact]
    public void Unbroken_unicode_runs_are_cut_between_characters_never_inside_a_pair()
    {
        var emoji = string.Concat(Enumerable.Repeat("👩‍💻🎉", 400));
        var cjk = string.Concat(Enumerable.Repeat("知识库检索增强生成", 200));
        var text = $"Ünïcödé ok.\n\n{emoji}\n\n{cjk}";
        var chunks = new Chunker(100, 20).Split(text);
        Assert.True(chunks.Count > 5);
        foreach (var c in chunks)
        {
            Assert.False(char.IsLowSurrogate(text[c.Start]), "a chunk starts inside a surrogate pair");
            Assert.False(char.IsHighSurrogate(text[c.End - 1]), "a chunk ends inside a surrogate pair");
            Assert.InRange(c.Tokens, 1, 100);
        }
        Assert.Equal(text.Length, chunks[^1].End);
    }

    [Fact]
    public void Tokens_are_the_models_own_wordpieces_not_a_character_guess()
    {
        // WordPiece: "employees get 25 vacation days" is five vocabulary words; "tokenization" is two pieces
        // ("token", "##ization"); a character-based guess would say 8 and 3.
        Assert.Equal(5, TokenEstimator.Count("employees get 25 vacation days"));
        Assert.Equal(2, TokenEstimator.Count("tokenization"));
        Assert.Equal(0, TokenEstimator.Count(""));
    }

    [Fact]
    public void No_chunk_exceeds_what_the_model_reads_even_when_more_is_asked()
    {
        // Rare words split into many word pieces: a character estimate undercounts them badly.
        var text = "# Glossary\n\n" + string.Join("\n\n", Enumerable.Range(0, 30).Select(i =>
            string.Join(' ', Enumerable.Range(0, 80).Select(j => $"xylophonist{i}{j} quizzaciously")) + "."));
        var chunks = new Chunker(4000, 64).Split(text);
        Assert.True(chunks.Count > 10);
        Assert.All(chunks, c =>
        {
            var counted = Platform.Web.Ai.Embeddings.ArcticXsModel.CountTokens(text.AsSpan(c.Start, c.End - c.Start));
            Assert.InRange(counted, 1, Chunker.MaxModelTokens);
            Assert.True(c.Tokens >= counted - 2 && c.Tokens <= counted + 2, $"chunk says {c.Tokens} tokens, the tokenizer {counted}");
        });
        Assert.True(Chunker.MaxModelTokens + 2 <= Platform.Web.Ai.Embeddings.ArcticXsModel.MaxInputTokens);
    }

    [Fact]
    public void Empty_or_blank_text_gives_no_chunks()
    {
        Assert.Empty(new Chunker().Split(""));
        Assert.Empty(new Chunker().Split("\n\n   \n"));
    }
}
