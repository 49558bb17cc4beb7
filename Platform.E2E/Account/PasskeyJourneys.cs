using Microsoft.Playwright;
using Platform.E2E.Infrastructure;
using static Platform.E2E.Workspaces.WorkspaceSteps;

namespace Platform.E2E.Account;

/// <summary>Passkeys end to end with Chromium's virtual authenticator (WebAuthn over the DevTools protocol), on
/// http://localhost:&lt;port&gt; — the app listens on 127.0.0.1, where browsers refuse WebAuthn (an IP address is no
/// relying party id), and localhost is the secure origin that reaches the same server.</summary>
[Collection(SsoCollection.Name)]
public class PasskeyJourneys(SsoApp sso, Browser browser)
{
    private AppServer app => sso.Server;

    [Fact]
    public async Task A_person_adds_a_passkey_names_it_signs_in_with_it_renames_and_deletes_it()
    {
        var email = NewEmail("passkey");
        var localhost = new Uri(app.BaseUrl).Port is var port ? $"http://localhost:{port}" : "";
        var context = await browser.Chromium.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = localhost, ViewportSize = new ViewportSize { Width = 1366, Height = 850 },
        });
        context.SetDefaultTimeout(45_000);
        var page = await context.NewPageAsync();
        await AddVirtualAuthenticatorAsync(page);
        await AccountSteps.RegisterAndConfirmAsync(page, email, Password);

        // Manage → Passkeys → Add: the authenticator makes the credential, then the page asks for a name.
        await page.GotoAsync($"{localhost}/Account/Manage/Passkeys");
        await Assertions.Expect(page.Locator("[data-testid=passkeys-unavailable]")).ToHaveCountAsync(0);
        await page.GetByRole(AriaRole.Button, new() { Name = "Add a new passkey" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/Account/Manage/RenamePasskey/"));
        await page.Locator("#Input\\.Name").FillAsync("Laptop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/Account/Manage/Passkeys"));
        await Assertions.Expect(page.GetByText("Laptop", new() { Exact = true })).ToBeVisibleAsync();
        Assert.Equal(1L, await app.ScalarAsync(
            "SELECT count(*) FROM main.user_passkeys p JOIN main.users u ON u.id = p.user_id WHERE u.normalized_email = upper(@e)", ("e", email)));
        await Browser.ScreenshotAsync(page, "passkeys-added");

        // Signed out, the login page offers the passkey in the email field's autofill (conditional mediation); the
        // virtual authenticator picks it at once, as a person choosing it from the list would, and signs in.
        await context.ClearCookiesAsync();
        await page.GotoAsync($"{localhost}/Account/Login");
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login"));
        await AssertSignedInAsync(page, localhost);

        // A browser without that autofill: "Sign in with a passkey" on the login page signs in without the password.
        await context.ClearCookiesAsync();
        await page.AddInitScriptAsync("PublicKeyCredential.isConditionalMediationAvailable = async () => false;");
        await page.GotoAsync($"{localhost}/Account/Login");
        await page.Locator("#Input\\.Email").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login"));
        await AssertSignedInAsync(page, localhost);

        // Rename…
        await page.GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/Account/Manage/RenamePasskey/"));
        await page.Locator("#Input\\.Name").FillAsync("Work laptop");
        await page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/Account/Manage/Passkeys"));
        await Assertions.Expect(page.GetByText("Work laptop", new() { Exact = true })).ToBeVisibleAsync();

        // …and delete.
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Passkey deleted")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Work laptop", new() { Exact = true })).ToHaveCountAsync(0);
        Assert.Equal(0L, await app.ScalarAsync(
            "SELECT count(*) FROM main.user_passkeys p JOIN main.users u ON u.id = p.user_id WHERE u.normalized_email = upper(@e)", ("e", email)));
        await context.CloseAsync();
    }

    private static async Task AssertSignedInAsync(IPage page, string localhost)
    {
        await page.GotoAsync($"{localhost}/Account/Manage/Passkeys");
        Assert.DoesNotContain("/Account/Login", page.Url);
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Add a new passkey" })).ToBeVisibleAsync();
    }

    /// <summary>A platform authenticator that holds discoverable credentials and always verifies the user, as a
    /// laptop's fingerprint reader would after a successful touch.</summary>
    private static async Task AddVirtualAuthenticatorAsync(IPage page)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable");
        await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2", ["transport"] = "internal", ["hasResidentKey"] = true,
                ["hasUserVerification"] = true, ["isUserVerified"] = true, ["automaticPresenceSimulation"] = true,
            },
        });
    }
}
