using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Platform.E2E.Infrastructure;

namespace Platform.E2E.Foundation;

/// <summary>Mail holds live secrets: a stranger cannot read it in the dev outbox, and a forged Host header cannot
/// point a mailed link at another server. (The app runs in Development here, as `./platform run` does.)</summary>
[Collection(PlatformCollection.Name)]
public partial class MailSecurityJourneys(AppServer app, Browser browser)
{
    private const string ResetSql =
        "SELECT count(*) FROM main.email_outbox WHERE \"to\" = @to AND subject = 'Reset your password'";

    [Fact]
    public async Task A_signed_out_visitor_asks_for_the_admins_password_reset_and_cannot_read_it_in_the_outbox()
    {
        var before = (long)(await app.ScalarAsync(ResetSql, ("to", AccountSteps.DemoOwnerEmail)))!;
        var page = await browser.NewPageAsync(app);
        await page.GotoAsync("/Account/ForgotPassword");
        await page.Locator("#Input\\.Email").FillAsync(AccountSteps.DemoOwnerEmail);
        await page.GetByRole(AriaRole.Button, new() { Name = "Reset password" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/Account/ForgotPasswordConfirmation"));
        Assert.Equal(before + 1, (long)(await app.ScalarAsync(ResetSql, ("to", AccountSteps.DemoOwnerEmail)))!);

        await page.GotoAsync("/dev/outbox?to=" + Uri.EscapeDataString(AccountSteps.DemoOwnerEmail));
        await page.Locator("[data-testid=outbox-empty]").WaitForAsync();
        await page.GotoAsync("/dev/outbox");
        await page.Locator("[data-testid=outbox-empty]").WaitForAsync();
        Assert.DoesNotContain("ResetPassword", await page.ContentAsync());
        await Browser.ScreenshotAsync(page, "mail-outbox-signed-out");

        // The owner, signed in, does see it.
        await AccountSteps.SignInAsync(page, AccountSteps.DemoOwnerEmail, AccountSteps.DemoOwnerPassword);
        await page.GotoAsync("/dev/outbox?to=" + Uri.EscapeDataString(AccountSteps.DemoOwnerEmail));
        await page.Locator("[data-testid=outbox-mail]").Filter(new() { HasText = "Reset your password" }).First.WaitForAsync();
    }

    [Fact]
    public async Task A_password_reset_requested_with_a_forged_Host_header_links_to_PublicUrl()
    {
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = new Uri(app.BaseUrl),
        };
        using var get = new HttpRequestMessage(HttpMethod.Get, "/Account/ForgotPassword");
        get.Headers.Host = "evil.example";
        var form = await (await http.SendAsync(get)).Content.ReadAsStringAsync();
        var fields = HiddenInput().Matches(form).ToDictionary(m => WebUtility.HtmlDecode(m.Groups["name"].Value), m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        Assert.Contains("__RequestVerificationToken", fields.Keys);
        fields["Input.Email"] = AccountSteps.DemoOwnerEmail;

        var since = DateTimeOffset.UtcNow.AddSeconds(-5);
        using var post = new HttpRequestMessage(HttpMethod.Post, "/Account/ForgotPassword") { Content = new FormUrlEncodedContent(fields) };
        post.Headers.Host = "evil.example";
        var response = await http.SendAsync(post);
        Assert.True(response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.OK,
            $"{response.StatusCode}");

        var body = (string)(await app.ScalarAsync(
            "SELECT html_body FROM main.email_outbox WHERE \"to\" = @to AND subject = 'Reset your password' AND created_at >= @since ORDER BY created_at DESC LIMIT 1",
            ("to", AccountSteps.DemoOwnerEmail), ("since", since)))!;
        Assert.Contains($"href='{app.BaseUrl}/Account/ResetPassword?code=", body);
        Assert.DoesNotContain("evil.example", body);
    }

    [GeneratedRegex("""<input[^>]*type="hidden"[^>]*name="(?<name>[^"]+)"[^>]*value="(?<value>[^"]*)""")]
    private static partial Regex HiddenInput();
}
