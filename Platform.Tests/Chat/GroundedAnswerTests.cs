using Platform.Web.Ai;
using Xunit.Abstractions;
using Platform.Web.Ai.Chat;
using Platform.Web.Ai.Embeddings;
using Platform.Web.Features.Documents;
using Platform.Web.Features.Documents.Ingestion;

namespace Platform.Tests.Chat;

/// <summary>
/// The offline assistant on real documents (Fixtures/Answers, copied from Debian): the document goes through the
/// app's own text extraction, is cut into passages, the passages that share the most words with the question are
/// "retrieved", and the answer must quote the labelled answering sentence — and not the distractors next to it.
/// </summary>
public class GroundedAnswerTests(ITestOutputHelper output)
{
    private static readonly OfflineAssistant Assistant = new(new HashingEmbeddingGenerator()) { ChunkDelay = TimeSpan.Zero };

    public static TheoryData<string, DocumentKind, string, string> Labelled => new()
    {
        {
            "shared-mime-info-spec.html", DocumentKind.Html,
            "What is the default priority of magic rules in the shared MIME-info database, and what is the maximum?",
            "The default priority value is 50, and the maximum is 100."
        },
        {
            "GPL-3.txt", DocumentKind.Text,
            "If I stop violating the GPL, how long does the copyright holder have to notify me before my license is reinstated permanently?",
            "prior to 60 days after the cessation."
        },
        {
            "Apache-2.0.txt", DocumentKind.Text,
            "Can I add my own copyright statement to my modifications?",
            "You may add Your own copyright statement to Your modifications"
        },
        {
            "MPL-2.0.txt", DocumentKind.Text,
            "In which courts can litigation relating to the license be brought?",
            "Any litigation relating to this License may be brought only in the courts of a jurisdiction where the defendant maintains its principal place of business"
        },
    };

    [Theory]
    [MemberData(nameof(Labelled))]
    public async Task Quotes_the_labelled_answering_sentence_with_its_citation(string file, DocumentKind kind, string question, string expected)
    {
        var passages = Retrieve(Passages(file, kind), question);
        var answering = passages.FindIndex(p => Flat(p.Content).Contains(expected));
        Assert.True(answering >= 0, "retrieval precondition: the answering passage is among the retrieved ones");

        var answer = await Assistant.AnswerAsync(question, passages);
        output.WriteLine(answer);

        Assert.Contains(expected, Flat(answer).Replace("\\", ""));
        Assert.Contains($"[{answering + 1}]", answer);
    }

    [Fact]
    public async Task The_mime_example_quotes_neither_the_glob_weight_nor_headers_nor_escaping_rules()
    {
        const string question = "What is the default priority of magic rules in the shared MIME-info database, and what is the maximum?";
        var all = Passages("shared-mime-info-spec.html", DocumentKind.Html);
        // Retrieval also returns the version header and the escaping rules (what the old assistant quoted).
        var passages = Retrieve(all, question).Concat(all.Take(1)).Concat(all.Where(p => p.Content.Contains("escape", StringComparison.OrdinalIgnoreCase)).Take(1))
            .DistinctBy(p => p.ChunkId).ToList();

        var answer = Flat(await Assistant.AnswerAsync(question, passages)).Replace("\\", "");
        output.WriteLine(answer);

        Assert.Contains("The default priority value is 50, and the maximum is 100.", answer);
        Assert.DoesNotContain("default weight value", answer);
        Assert.DoesNotContain("Version", answer);
        Assert.DoesNotContain("escape", answer, StringComparison.OrdinalIgnoreCase);
        // Only whole sentences: every quoted line starts with a capital and ends with its citation.
        foreach (var quote in answer.Split("> ").Skip(1))
            Assert.Matches(@"^[A-Z""(].*[.!?;]\s\[\d+\]", quote.Trim().Split("\n")[0]);
    }

    [Fact]
    public async Task Says_plainly_when_no_sentence_is_about_the_question()
    {
        var passages = Passages("GPL-3.txt", DocumentKind.Text).Take(4).ToList();

        var answer = await Assistant.AnswerAsync("Who won the football tournament in 1998?", passages);

        Assert.StartsWith(OfflineAssistant.NothingFound, answer);
        Assert.DoesNotContain("[1]", answer);
    }

    [Fact]
    public async Task Without_passages_it_says_the_knowledge_base_has_nothing()
    {
        Assert.StartsWith(OfflineAssistant.NothingFound, await Assistant.AnswerAsync("Anything?", []));
    }

    [Fact]
    public void The_sentence_splitter_keeps_abbreviations_numbers_and_list_items_whole_and_knows_headings()
    {
        var units = SentenceSplitter.Split("""
            # Release notes

            Version 2.5

            The limit is 2.5 MB, e.g. for PDF files. Dr. Smith approved it on Jan. 3 at 10 a.m. in the U.S. office. It ships today!
            - Uploads are scanned before they are stored
            - A file over the limit is rejected
            1. First step of the list
            and its soft-wrapped continuation.
            """);

        Assert.Equal(["Release notes", "Version 2.5"], units.Where(u => u.IsHeading).Select(u => u.Text));
        Assert.Equal([
            "The limit is 2.5 MB, e.g. for PDF files.",
            "Dr. Smith approved it on Jan. 3 at 10 a.m. in the U.S. office.",
            "It ships today!",
            "Uploads are scanned before they are stored",
            "A file over the limit is rejected",
            "First step of the list and its soft-wrapped continuation.",
        ], units.Where(u => !u.IsHeading).Select(u => u.Text));
        Assert.All(units, u => Assert.Equal("Release notes", u.Heading is "Version 2.5" ? "Release notes" : u.Heading));
    }

    [Fact]
    public void A_passage_cut_mid_sentence_marks_its_broken_ends_as_incomplete()
    {
        var units = SentenceSplitter.Split("of the violation by some reasonable means. Moreover, your license is reinstated permanently if the holder");

        Assert.Equal([false, false], units.Select(u => u.IsComplete));
    }

    internal static List<KnowledgePassage> Passages(string file, DocumentKind kind)
    {
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "Answers", file));
        var text = new TextExtraction(new DocumentsOptions()).Extract(bytes, kind).Text!;
        // Passages of whole paragraphs, about the size the chunker makes (~1,600 characters).
        var passages = new List<KnowledgePassage>();
        var current = "";
        var documentId = Guid.NewGuid();
        foreach (var paragraph in text.Split("\n\n"))
        {
            if (current.Length > 0 && current.Length + paragraph.Length > 1600)
            {
                passages.Add(new KnowledgePassage(documentId, file, Guid.NewGuid(), passages.Count, current, 0));
                current = "";
            }
            current += (current.Length > 0 ? "\n\n" : "") + paragraph;
        }
        if (current.Length > 0) passages.Add(new KnowledgePassage(documentId, file, Guid.NewGuid(), passages.Count, current, 0));
        return passages;
    }

    /// <summary>Stand-in for retrieval: the five passages sharing the most question words, best first.</summary>
    internal static List<KnowledgePassage> Retrieve(List<KnowledgePassage> passages, string question)
    {
        var terms = OfflineAssistant.Terms(question);
        return passages.Select(p => p with { Score = OfflineAssistant.Terms(p.Content).Count(terms.Contains) })
            .OrderByDescending(p => p.Score).ThenBy(p => p.Position).Take(5).ToList();
    }

    private static string Flat(string s) => string.Join(' ', s.Split((char[])[' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries));
}
