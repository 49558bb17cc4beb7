using Microsoft.Playwright;
using Platform.E2E.Infrastructure;
using static Platform.E2E.Workspaces.WorkspaceSteps;

namespace Platform.E2E.Account;

/// <summary>The account pages in the app's look, light and dark (screenshots in bin/…/screenshots/account-*), and
/// passkeys offered only where the browser can use them. Runs on the SSO app so the provider's button shows.</summary>
[Collection(SsoCollection.Name)]
public class AccountPagesJourneys(SsoApp sso, Browser browser)
{
    private AppServer app => sso.Server;

    private static async Task BothThemesAsync(IPage page, string name)
    {
        await Assertions.Expect(page.Locator(".account-shell[data-theme=light]")).ToBeVisibleAsync();
        await Browser.ScreenshotAsync(page, $"account-{name}-light");
        await page.Locator("[data-testid=account-theme-toggle]").ClickAsync();
        await Assertions.Expect(page.Locator(".account-shell[data-theme=dark]")).ToBeVisibleAsync();
        var background = await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.account-card')).backgroundColor");
        Assert.NotEqual("rgb(255, 255, 255)", background); // the card follows the dark palette
        await Browser.ScreenshotAsync(page, $"account-{name}-dark");
        await page.Locator("[data-testid=account-theme-toggle]").ClickAsync();
        await Assertions.Expect(page.Locator(".account-shell[data-theme=light]")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Every_account_page_uses_the_app_theme_in_light_and_dark_without_template_leftovers()
    {
        var page = await browser.NewPageAsync(app);
        foreach (var (path, name) in new[]
                 {
                     ("/Account/Login", "login"), ("/Account/Register", "register"), ("/Account/ForgotPassword", "forgot-password"),
                     ("/Account/ResendEmailConfirmation", "resend-confirmation"), ("/Account/Lockout", "lockout"),
                 })
        {
            await page.GotoAsync(path);
            var html = await page.ContentAsync();
            Assert.DoesNotContain("bootstrap", html);
            Assert.DoesNotContain("Use another service", html);
            Assert.DoesNotContain("go.microsoft.com/fwlink", html);
            await BothThemesAsync(page, name);
        }

        var email = NewEmail("account-pages");
        await AccountSteps.RegisterAndConfirmAsync(page, email, Password);
        foreach (var (path, name) in new[]
                 {
                     ("/Account/Manage", "manage-profile"), ("/Account/Manage/Email", "manage-email"),
                     ("/Account/Manage/ChangePassword", "manage-password"), ("/Account/Manage/TwoFactorAuthentication", "manage-2fa"),
                     ("/Account/Manage/EnableAuthenticator", "manage-authenticator"), ("/Account/Manage/Passkeys", "manage-passkeys"),
                     ("/Account/Manage/ExternalLogins", "manage-external-logins"), ("/Account/Manage/PersonalData", "manage-personal-data"),
                     ("/Account/Manage/GenerateRecoveryCodes", "manage-recovery-codes"), ("/Account/Manage/Disable2fa", "manage-disable-2fa"),
                     ("/Account/Manage/ResetAuthenticator", "manage-reset-authenticator"),
                 })
        {
            await page.GotoAsync(path);
            var html = await page.ContentAsync();
            Assert.DoesNotContain("go.microsoft.com/fwlink", html);
            if (path.Contains("2fa", StringComparison.OrdinalIgnoreCase) || path.Contains("Authenticator") || path.Contains("RecoveryCodes"))
            {
                // The two-factor pages without the template's grid and icon classes or its "2FA" abbreviation.
                Assert.DoesNotContain("glyphicon", html);
                Assert.DoesNotContain("col-md-", html);
                Assert.DoesNotContain("2FA", await page.Locator("body").InnerTextAsync());
            }
            await BothThemesAsync(page, name);
        }
    }

    [Fact]
    public async Task Passkeys_are_left_out_on_an_IP_address_where_the_browser_refuses_them_and_offered_on_localhost()
    {
        var page = await browser.NewPageAsync(app);
        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") errors.Add(message.Text); };
        page.PageError += (_, error) => errors.Add(error);

        await page.GotoAsync("/Account/Login"); // http://127.0.0.1:port
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Sign in with a passkey")).ToHaveCountAsync(0);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        Assert.DoesNotContain(errors, e => e.Contains("SecurityError", StringComparison.Ordinal) || e.Contains("passkey", StringComparison.OrdinalIgnoreCase)
                                           || e.Contains("WebAuthn", StringComparison.OrdinalIgnoreCase) || e.Contains("invalid domain", StringComparison.OrdinalIgnoreCase));

        // The same server by name (a secure origin on http): the browser can use passkeys there, so they are offered.
        await page.GotoAsync(app.BaseUrl.Replace("127.0.0.1", "localhost") + "/Account/Login");
        await Assertions.Expect(page.GetByText("Sign in with a passkey")).ToBeVisibleAsync();
    }
}
