using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;
using Platform.Web.Features.Documents;
using Platform.Web.Features.Documents.Ingestion;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace Platform.Tests.Documents;

/// <summary>Real files generated here (PDF with PdfPig's writer, DOCX with the Open XML SDK) and hostile ones.</summary>
public class ExtractionTests
{
    private readonly TextExtraction _extraction = new(new DocumentsOptions { MaxUnpackedBytes = 2 * 1024 * 1024 });

    internal static byte[] Pdf(params string[] lines)
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        var page = builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
        var y = 800.0;
        foreach (var line in lines)
        {
            page.AddText(line, 12, new UglyToad.PdfPig.Core.PdfPoint(40, y), font);
            y -= 20;
        }
        return builder.Build();
    }

    internal static byte[] Docx(string heading, params string[] paragraphs)
    {
        using var stream = new MemoryStream();
        using (var doc = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = doc.AddMainDocumentPart();
            var body = new Body();
            body.Append(new Paragraph(new ParagraphProperties(new ParagraphStyleId { Val = "Heading1" }), new Run(new Text(heading))));
            foreach (var p in paragraphs) body.Append(new Paragraph(new Run(new Text(p))));
            body.Append(new Table(new TableRow(new TableCell(new Paragraph(new Run(new Text("cell A")))), new TableCell(new Paragraph(new Run(new Text("cell B")))))));
            main.Document = new Document(body);
        }
        return stream.ToArray();
    }

    [Fact]
    public void Pdf_text_is_extracted()
    {
        var data = Pdf("Quarterly revenue grew by twelve percent.", "The board approved the budget.");
        Assert.Equal(DocumentKind.Pdf, DocumentKindDetector.Detect(data, "report.pdf").Kind);
        var result = _extraction.Extract(data, DocumentKind.Pdf);
        Assert.Null(result.Error);
        Assert.Contains("Quarterly revenue grew", result.Text);
        Assert.Contains("board approved", result.Text);
    }

    [Fact]
    public void Docx_headings_paragraphs_and_tables_are_extracted()
    {
        var data = Docx("Travel policy", "Book flights through the travel desk.", "Hotels up to 150 EUR per night.");
        Assert.Equal(DocumentKind.Docx, DocumentKindDetector.Detect(data, "policy.docx").Kind);
        var result = _extraction.Extract(data, DocumentKind.Docx);
        Assert.Null(result.Error);
        Assert.Contains("# Travel policy", result.Text);
        Assert.Contains("Hotels up to 150 EUR", result.Text);
        Assert.Contains("cell A | cell B", result.Text);
    }

    [Fact]
    public void Html_keeps_visible_text_and_headings_and_drops_scripts()
    {
        var html = "<!doctype html><html><head><title>T</title><style>p{}</style></head><body><h2>Returns</h2>" +
                   "<p>Items can be returned within <b>30 days</b>.</p><script>alert('x')</script><ul><li>One</li><li>Two</li></ul></body></html>";
        var data = Encoding.UTF8.GetBytes(html);
        Assert.Equal(DocumentKind.Html, DocumentKindDetector.Detect(data, "page.txt").Kind);
        var result = _extraction.Extract(data, DocumentKind.Html);
        Assert.Contains("## Returns", result.Text);
        Assert.Contains("returned within 30 days", result.Text);
        Assert.DoesNotContain("alert", result.Text);
        Assert.Contains("One", result.Text);
    }

    [Fact]
    public void Csv_rows_are_labelled_with_their_columns()
    {
        var csv = "name,team,note\nAda,Ops,\"likes \"\"tea\"\", and cake\"\nBob,Sales,\"two\nlines\"\n";
        var result = _extraction.Extract(Encoding.UTF8.GetBytes(csv), DocumentKind.Csv);
        Assert.Contains("name: Ada; team: Ops; note: likes \"tea\", and cake", result.Text);
        Assert.Contains("name: Bob; team: Sales; note: two\nlines", result.Text);
    }

    [Fact]
    public void Utf16_text_with_a_bom_is_decoded()
    {
        var data = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("Grüße aus Köln")).ToArray();
        Assert.Equal(DocumentKind.Text, DocumentKindDetector.Detect(data, "note.txt").Kind);
        Assert.Equal("Grüße aus Köln", _extraction.Extract(data, DocumentKind.Text).Text);
    }

    [Fact]
    public void Empty_binary_and_mislabelled_files_are_rejected_with_a_reason()
    {
        Assert.Equal("The file is empty.", DocumentKindDetector.Detect([], "a.txt").Error);
        var junk = new byte[4096];
        new Random(7).NextBytes(junk);
        Assert.Contains("binary", DocumentKindDetector.Detect(junk, "notes.txt").Error);
        Assert.Contains("not a PDF", DocumentKindDetector.Detect("hello"u8.ToArray(), "fake.pdf").Error);
        Assert.Contains("not a Word document", DocumentKindDetector.Detect(Zip(("a.txt", new byte[10])), "fake.docx").Error);
        Assert.Contains("not supported", DocumentKindDetector.Detect("x"u8.ToArray(), "old.doc").Error);
    }

    [Fact]
    public void Malformed_pdf_fails_with_a_reason_instead_of_throwing()
    {
        var data = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF garbage");
        var result = _extraction.Extract(data, DocumentKind.Pdf);
        Assert.Null(result.Text);
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
        Assert.Contains("PDF", result.Error);
    }

    [Fact]
    public void Truncated_pdf_fails_with_a_reason()
    {
        var data = Pdf("Some text that will be cut off.");
        var result = _extraction.Extract(data[..(data.Length / 3)], DocumentKind.Pdf);
        Assert.Null(result.Text);
        Assert.Contains("PDF", result.Error);
    }

    [Fact]
    public void Zip_bomb_like_docx_is_refused_before_unpacking()
    {
        // 20 MB of zeros compress to ~20 KB: far past the ratio and size guards (limit 2 MB in this test).
        var bomb = Zip(("[Content_Types].xml", "<Types/>"u8.ToArray()), ("word/document.xml", new byte[20 * 1024 * 1024]));
        Assert.True(bomb.Length < 200_000);
        Assert.Equal(DocumentKind.Docx, DocumentKindDetector.Detect(bomb, "bomb.docx").Kind);
        var result = _extraction.Extract(bomb, DocumentKind.Docx);
        Assert.Null(result.Text);
        Assert.Contains("zip bomb", result.Error);
    }

    [Fact]
    public void Pdf_without_text_says_so()
    {
        var builder = new PdfDocumentBuilder();
        builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4);
        var result = _extraction.Extract(builder.Build(), DocumentKind.Pdf);
        Assert.Contains("No text found in the PDF", result.Error);
    }

    internal static byte[] Zip(params (string Name, byte[] Data)[] entries)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, data) in entries)
            {
                using var s = zip.CreateEntry(name, CompressionLevel.SmallestSize).Open();
                s.Write(data);
            }
        return stream.ToArray();
    }
}

/// <summary>Hostile files within the upload limit: each fails with a fixed reason, quickly and within the limits,
/// and never with an exception's text.</summary>
public class HostileExtractionTests
{
    internal static string NestedDivs(int depth) =>
        "<html><body>" + string.Concat(Enumerable.Repeat("<div>", depth)) + "deep" + "</body></html>";

    [Fact]
    public async Task Deeply_nested_html_is_refused_before_parsing()
    {
        var extraction = new TextExtraction(new DocumentsOptions());
        var result = await extraction.ExtractAsync(Encoding.UTF8.GetBytes(NestedDivs(200_000)), DocumentKind.Html, CancellationToken.None);
        Assert.Null(result.Text);
        Assert.Contains("nests elements more than 512 levels deep", result.Error);
    }

    [Fact]
    public async Task Extraction_that_runs_past_the_time_limit_is_stopped_with_a_reason()
    {
        // Depth check off: the parser's quadratic work on 200,000 levels would take many minutes.
        var extraction = new TextExtraction(new DocumentsOptions { MaxHtmlDepth = int.MaxValue, ExtractionTimeoutSeconds = 1 });
        var result = await extraction.ExtractAsync(Encoding.UTF8.GetBytes(NestedDivs(200_000)), DocumentKind.Html, CancellationToken.None);
        Assert.Null(result.Text);
        Assert.Contains("took longer than the limit of 1 seconds", result.Error);
    }

    [Fact]
    public void Ordinary_nesting_unclosed_paragraphs_and_scripts_pass_the_depth_check()
    {
        var page = "<html><body>" + string.Concat(Enumerable.Repeat("<p>para <br> <img src='a>b'>", 5_000)) +
                   "<ul>" + string.Concat(Enumerable.Repeat("<li>item", 5_000)) + "</ul>" +
                   "<script>" + string.Concat(Enumerable.Repeat("<div>", 5_000)) + "</script>" +
                   string.Concat(Enumerable.Repeat("<div><span>x</span></div>", 5_000)) + "</body></html>";
        var result = new TextExtraction(new DocumentsOptions()).Extract(Encoding.UTF8.GetBytes(page), DocumentKind.Html);
        Assert.Null(result.Error);
        Assert.Contains("para", result.Text);
    }

    [Fact]
    public void A_csv_with_a_million_columns_is_refused_with_a_clear_reason()
    {
        var csv = string.Join(',', Enumerable.Repeat("a", 1_000_000)) + "\n" + string.Join(',', Enumerable.Repeat("1", 1_000_000)) + "\n";
        var result = new TextExtraction(new DocumentsOptions()).Extract(Encoding.UTF8.GetBytes(csv), DocumentKind.Csv);
        Assert.Null(result.Text);
        Assert.Equal("The CSV file has a row with more than 1,000 columns.", result.Error);
    }

    [Fact]
    public void A_csv_value_longer_than_the_limit_is_refused()
    {
        var csv = "name,note\nAda,\"" + new string('x', 200_000) + "\"\n";
        var result = new TextExtraction(new DocumentsOptions()).Extract(Encoding.UTF8.GetBytes(csv), DocumentKind.Csv);
        Assert.Equal("A value in the CSV file is longer than 100,000 characters.", result.Error);
    }

    [Fact]
    public void A_pdf_with_more_pages_than_the_limit_is_refused()
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        for (var i = 0; i < 3; i++) builder.AddPage(UglyToad.PdfPig.Content.PageSize.A4).AddText($"Page {i}", 12, new UglyToad.PdfPig.Core.PdfPoint(40, 800), font);
        var result = new TextExtraction(new DocumentsOptions { MaxPdfPages = 2 }).Extract(builder.Build(), DocumentKind.Pdf);
        Assert.Equal("The PDF has 3 pages; at most 2 are supported.", result.Error);
    }

    [Fact]
    public void A_docx_with_a_dtd_fails_with_a_fixed_reason_and_no_exception_text()
    {
        var data = ExtractionTests.Docx("Title", "Body text.");
        using (var stream = new MemoryStream())
        {
            stream.Write(data);
            using (var zip = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
            {
                var entry = zip.GetEntry("word/document.xml")!;
                string xml;
                using (var reader = new StreamReader(entry.Open())) xml = reader.ReadToEnd();
                entry.Delete();
                var start = xml.StartsWith("<?xml") ? xml.IndexOf("?>", StringComparison.Ordinal) + 2 : 0;
                xml = xml[..start] + "<!DOCTYPE w:document [<!ENTITY lol \"lol\">]>" + xml[start..];
                using var writer = new StreamWriter(zip.CreateEntry("word/document.xml").Open());
                writer.Write(xml);
            }
            data = stream.ToArray();
        }
        var result = new TextExtraction(new DocumentsOptions()).Extract(data, DocumentKind.Docx);
        Assert.Null(result.Text);
        Assert.Equal("The Word document could not be read: it is damaged or uses features that are not supported.", result.Error);
    }

    [Fact]
    public void Extracted_text_holds_no_nul_and_no_lone_surrogate()
    {
        var data = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("a\0b \uD800 c")).ToArray();
        Assert.Equal("ab \uFFFD c", new TextExtraction(new DocumentsOptions()).Extract(data, DocumentKind.Text).Text);
    }
}
