using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Platform.Web.Features.Documents;
using Platform.Web.Features.Documents.Ingestion;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace Platform.Tests.Documents;

/// <summary>Titles come from the content, per format, and fall back to the file name.</summary>
public class TitleExtractionTests
{
    private readonly TextExtraction _extraction = new(new DocumentsOptions());

    [Fact]
    public void Pdf_title_comes_from_its_metadata_else_its_first_line_and_its_pages_stay_apart()
    {
        var builder = new PdfDocumentBuilder();
        builder.DocumentInformation.Title = "Shared MIME-info Database";
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4).AddText("First page text.", 12, new UglyToad.PdfPig.Core.PdfPoint(40, 800), font);
        builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4).AddText("Second page text.", 12, new UglyToad.PdfPig.Core.PdfPoint(40, 800), font);
        var withMetadata = _extraction.Extract(builder.Build(), DocumentKind.Pdf);
        Assert.Equal("Shared MIME-info Database", withMetadata.Title);
        Assert.Equal(2, TextExtraction.PageAt(withMetadata.Text!, withMetadata.Text!.IndexOf("Second", StringComparison.Ordinal)));

        var plain = _extraction.Extract(ExtractionTests.Pdf("Quarterly report", "Revenue grew by 4 percent."), DocumentKind.Pdf);
        Assert.Equal("Quarterly report", plain.Title);
    }

    [Fact]
    public void Running_headers_and_page_numbers_of_a_pdf_are_page_furniture_not_text()
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        for (var n = 1; n <= 4; n++)
        {
            var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
            page.AddText("Acme travel policy", 10, new UglyToad.PdfPig.Core.PdfPoint(40, 800), font);
            page.AddText($"Rule {n} applies to every trip abroad.", 12, new UglyToad.PdfPig.Core.PdfPoint(40, 760), font);
            page.AddText($"Page {n}", 10, new UglyToad.PdfPig.Core.PdfPoint(40, 40), font);
        }

        var text = _extraction.Extract(builder.Build(), DocumentKind.Pdf).Text!;

        Assert.DoesNotContain("Acme travel policy", text);
        Assert.DoesNotContain("Page", text);
        Assert.Equal(["Rule 1 applies to every trip abroad.", "Rule 2 applies to every trip abroad.", "Rule 3 applies to every trip abroad.",
            "Rule 4 applies to every trip abroad."], text.Split(ExtractionResult.PageBreak).Select(p => p.Trim()));
    }

    [Fact]
    public void Html_title_comes_from_its_title_element_else_its_first_h1()
    {
        Assert.Equal("Returns policy", Extract("<html><head><title>Returns policy</title></head><body><h1>Returns</h1><p>Text.</p></body></html>", DocumentKind.Html).Title);
        Assert.Equal("Returns", Extract("<html><body><h1>Returns</h1><p>Text.</p></body></html>", DocumentKind.Html).Title);
        var structured = Extract("<html><body><ul><li>One</li><li>Two</li></ul><table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table><pre>x = 1</pre></body></html>", DocumentKind.Html).Text!;
        Assert.Contains("- One\n\n- Two", structured);
        Assert.Contains("| A | B |\n| --- | --- |\n| 1 | 2 |", structured);
        Assert.Contains("```\nx = 1\n```", structured);
    }

    [Fact]
    public void Markdown_title_is_its_first_heading_and_plain_text_has_none()
    {
        Assert.Equal("Onboarding", Extract("Intro line\n\n# Onboarding\n\n## First day\n\nText.", DocumentKind.Markdown).Title);
        Assert.Null(Extract("Just some text without headings.", DocumentKind.Text).Title);
    }

    [Fact]
    public void Docx_title_comes_from_its_core_properties_else_its_first_heading()
    {
        Assert.Equal("Travel policy", Extract(Docx("Travel policy", "Heading1", "Expenses"), DocumentKind.Docx).Title);
        Assert.Equal("Expenses", Extract(Docx(null, "Heading1", "Expenses"), DocumentKind.Docx).Title);
    }

    [Fact]
    public void The_title_from_content_replaces_only_a_file_name_title()
    {
        Platform.Data.Tenant.Entities.Document Doc(string title, string? fileName, Guid? git = null) => new() { Title = title, FileName = fileName, GitSourceId = git };

        Assert.Equal("Returns policy", DocumentProcessor.TitleFromContent(Doc("returns", "returns.html"), "Returns policy"));
        Assert.Equal("returns", DocumentProcessor.TitleFromContent(Doc("returns", "returns.html"), null));
        Assert.Equal("My own title", DocumentProcessor.TitleFromContent(Doc("My own title", null), "Returns policy"));
        Assert.Equal("From Git", DocumentProcessor.TitleFromContent(Doc("From Git", "a.md", Guid.NewGuid()), "Other"));
    }

    private ExtractionResult Extract(string text, DocumentKind kind) => _extraction.Extract(Encoding.UTF8.GetBytes(text), kind);

    private ExtractionResult Extract(byte[] data, DocumentKind kind) => _extraction.Extract(data, kind);

    private static byte[] Docx(string? title, string style, string heading)
    {
        using var stream = new MemoryStream();
        using (var doc = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            if (title is not null) doc.PackageProperties.Title = title;
            var main = doc.AddMainDocumentPart();
            main.Document = new DocumentFormat.OpenXml.Wordprocessing.Document(new Body(
                new Paragraph(new ParagraphProperties(new ParagraphStyleId { Val = style }), new Run(new Text(heading))),
                new Paragraph(new Run(new Text("Meals are covered up to 60 EUR per day.")))));
        }
        return stream.ToArray();
    }
}
