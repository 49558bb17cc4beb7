using Microsoft.Playwright;
using Platform.E2E.Infrastructure;
using Platform.Tests.Infrastructure;
using static Platform.E2E.Workspaces.WorkspaceSteps;

namespace Platform.E2E.Account;

/// <summary>An app of its own with one single sign-on provider, "TestIdP": a real OpenID Connect provider
/// (npm oidc-provider) on 127.0.0.1. Journeys sign in on the provider's own login page.</summary>
public sealed class SsoApp : IAsyncLifetime
{
    public const string Provider = "TestIdP";
    public const string ProviderName = "Test Identity";
    public AppServer Server { get; } = new();
    public TestOidcProvider Oidc { get; } = new();

    public async Task InitializeAsync()
    {
        await Oidc.StartAsync();
        foreach (var (key, value) in Oidc.AppSettings(Provider, ProviderName)) Server.Environment_[key] = value;
        await Server.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Oidc.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SsoCollection : ICollectionFixture<SsoApp>, ICollectionFixture<Browser>
{
    public const string Name = "sso";
}

[Collection(SsoCollection.Name)]
public class SsoJourneys(SsoApp sso, Browser browser)
{
    private AppServer app => sso.Server;

    /// <summary>From the app's "Sign in with Test Identity" through the provider's login and consent pages.</summary>
    private static async Task SignInAtProviderAsync(IPage page, string login)
    {
        // The provider's stock pages import a web font from the internet, which never loads here: don't wait for it.
        await page.Context.RouteAsync("**/fonts.googleapis.com/**", route => route.AbortAsync());
        await page.WaitForURLAsync(url => url.Contains("/interaction/"), new() { WaitUntil = WaitUntilState.Commit });
        await page.Locator("input[name=login]").FillAsync(login);
        await page.Locator("input[name=password]").FillAsync("anything");
        await page.Locator("button.login-submit").ClickAsync();
        // The consent page ("Continue"), shown the first time this person signs in to the app.
        var consent = page.Locator("button.login-submit", new() { HasText = "Continue" });
        await consent.WaitForAsync();
        await consent.ClickAsync();
    }

    /// <summary>Waits for the app's output to show <paramref name="text"/> (the output is read asynchronously).</summary>
    private async Task LoggedEventuallyAsync(string text)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (!app.OutputSoFar.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"The app's output never showed {text}.");
            await Task.Delay(50);
        }
    }

    private async Task<long> LoginsOfAsync(string email) => (long)(await app.ScalarAsync(
        "SELECT count(*) FROM main.user_logins l JOIN main.users u ON u.id = l.user_id WHERE u.normalized_email = upper(@e)", ("e", email)))!;

    [Fact]
    public async Task A_new_person_signs_in_with_the_provider_and_gets_a_confirmed_account()
    {
        var email = NewEmail("sso-new");
        var page = await browser.NewPageAsync(app);
        await page.GotoAsync("/Account/Login");
        await Assertions.Expect(page.GetByText("Use another service")).ToHaveCountAsync(0);
        await page.Locator($"[data-testid=sso-{SsoApp.Provider}]").ClickAsync();
        await SignInAtProviderAsync(page, email);

        // Back in the app, signed in: a new account goes on to create its first workspace.
        await page.WaitForURLAsync(url => url.Contains("/onboarding"));
        Assert.Equal(true, await app.ScalarAsync("SELECT email_confirmed FROM main.users WHERE normalized_email = upper(@e)", ("e", email)));
        Assert.Equal(1L, await LoginsOfAsync(email));
        await Browser.ScreenshotAsync(page, "sso-new-account-onboarding");
    }

    [Fact]
    public async Task An_unverified_email_from_the_provider_does_not_take_over_an_existing_account()
    {
        var email = NewEmail("sso-victim");
        var victim = await browser.NewPageAsync(app);
        await AccountSteps.RegisterAndConfirmAsync(victim, email, Password);

        var attacker = await browser.NewPageAsync(app);
        await attacker.GotoAsync("/Account/Login");
        await attacker.Locator($"[data-testid=sso-{SsoApp.Provider}]").ClickAsync();
        await SignInAtProviderAsync(attacker, "unverified:" + email);

        await attacker.WaitForURLAsync(url => url.Contains("/Account/Login"));
        await Assertions.Expect(attacker.GetByText($"did not confirm that {email} is yours")).ToBeVisibleAsync();
        Assert.Equal(0L, await LoginsOfAsync(email));
        await Browser.ScreenshotAsync(attacker, "sso-unverified-refused");
    }

    [Fact]
    public async Task A_verified_email_links_the_existing_account_and_a_workspace_can_require_the_provider()
    {
        // The demo owner signs in with the provider, which verified owner@acme.test: the same account, now linked.
        var owner = await browser.NewPageAsync(app);
        await owner.GotoAsync("/Account/Login?ReturnUrl=%2Fw%2Facme%2Fsettings");
        await owner.Locator($"[data-testid=sso-{SsoApp.Provider}]").ClickAsync();
        await SignInAtProviderAsync(owner, AccountSteps.DemoOwnerEmail);
        await owner.WaitForURLAsync("**/w/acme/settings");
        Assert.Equal(1L, await LoginsOfAsync(AccountSteps.DemoOwnerEmail));

        // Settings → General → Sign-in: members sign in with Test Identity only.
        await owner.Locator("[data-testid=sign-in-provider]").ClickAsync();
        await owner.Locator(".mud-popover-open .mud-list-item", new() { HasText = $"{SsoApp.ProviderName} only" }).ClickAsync();
        await Assertions.Expect(owner.Locator("[data-testid=sign-in-settings]")).ToContainTextAsync($"{SsoApp.ProviderName} only");
        await owner.Locator("[data-testid=sign-in-save]").ClickAsync();
        await Assertions.Expect(owner.GetByText("Saved.")).ToBeVisibleAsync();
        Assert.Equal(SsoApp.Provider, await app.ScalarAsync("SELECT required_sign_in_provider FROM main.workspaces WHERE slug = 'acme'"));

        try
        {
            // Signed in with the password, the owner is asked to sign in with the provider to enter the workspace…
            var withPassword = await browser.NewPageAsync(app);
            await AccountSteps.SignInAsync(withPassword, AccountSteps.DemoOwnerEmail, AccountSteps.DemoOwnerPassword);
            await withPassword.GotoAsync("/w/acme/chat");
            var notice = withPassword.Locator("[data-testid=workspace-requires-sso]");
            await Assertions.Expect(notice).ToContainTextAsync($"requires signing in with {SsoApp.ProviderName}");
            await Browser.ScreenshotAsync(withPassword, "sso-workspace-requires-provider");

            // …one click through the provider brings them back into it.
            await Browser.InteractiveAsync(withPassword);
            await withPassword.Locator("[data-testid=workspace-sso-sign-in]").ClickAsync();
            await SignInAtProviderAsync(withPassword, AccountSteps.DemoOwnerEmail);
            await withPassword.WaitForURLAsync(url => url.Contains("/w/acme") && !url.Contains("/Account/") && !url.Contains("/interaction/"));
            await Assertions.Expect(withPassword.Locator("[data-testid=workspace-requires-sso]")).ToHaveCountAsync(0);
            await Assertions.Expect(withPassword.Locator("[data-testid=workspace-not-found]")).ToHaveCountAsync(0);
        }
        finally
        {
            await app.ScalarAsync("UPDATE main.workspaces SET required_sign_in_provider = NULL WHERE slug = 'acme'");
        }
    }

    [Fact]
    public async Task A_forged_callback_with_a_wrong_state_is_refused_with_a_message()
    {
        var page = await browser.NewPageAsync(app);
        await page.GotoAsync($"/signin-{SsoApp.Provider.ToLowerInvariant()}?code=forged&state=forged");
        await page.WaitForURLAsync(url => url.Contains("/Account/Login"));
        await Assertions.Expect(page.GetByText($"signing in with {SsoApp.ProviderName} did not work")).ToBeVisibleAsync();
        Assert.DoesNotContain("Exception", await page.ContentAsync());
        await page.GotoAsync("/Account/Manage");
        await page.WaitForURLAsync(url => url.Contains("/Account/Login")); // not signed in
    }

    [Fact]
    public async Task A_callback_whose_id_token_carries_a_nonce_of_another_sign_in_is_refused_with_a_message()
    {
        // The handler keeps the nonce it sent in a cookie named after it; the ID token must carry the same nonce.
        // Two sign-ins started in one browser: the second goes through the provider with a valid state and
        // correlation, but only the first sign-in's nonce cookie is left, so the ID token's nonce matches nothing.
        const string noncePrefix = ".AspNetCore.OpenIdConnect.Nonce.";
        var email = NewEmail("sso-nonce");
        var page = await browser.NewPageAsync(app);
        await page.GotoAsync("/Account/Login");
        await page.Locator($"[data-testid=sso-{SsoApp.Provider}]").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/interaction/"), new() { WaitUntil = WaitUntilState.Commit });
        var firstNonces = (await page.Context.CookiesAsync()).Where(c => c.Name.StartsWith(noncePrefix, StringComparison.Ordinal))
            .Select(c => c.Name).ToHashSet();
        Assert.Single(firstNonces);

        await page.GotoAsync("/Account/Login");
        await page.Locator($"[data-testid=sso-{SsoApp.Provider}]").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/interaction/"), new() { WaitUntil = WaitUntilState.Commit });
        var secondNonces = (await page.Context.CookiesAsync())
            .Where(c => c.Name.StartsWith(noncePrefix, StringComparison.Ordinal) && !firstNonces.Contains(c.Name)).ToList();
        Assert.Single(secondNonces);
        await page.Context.ClearCookiesAsync(new() { Name = secondNonces[0].Name });

        await SignInAtProviderAsync(page, email);
        await page.WaitForURLAsync(url => url.Contains("/Account/Login"));
        await Assertions.Expect(page.GetByText($"signing in with {SsoApp.ProviderName} did not work")).ToBeVisibleAsync();
        Assert.DoesNotContain("Exception", await page.ContentAsync());
        // Refused for the nonce (not for the state or anything else): the reason is in the app's log.
        await LoggedEventuallyAsync("OpenIdConnectProtocolInvalidNonceException");
        Assert.Equal(0L, (long)(await app.ScalarAsync("SELECT count(*) FROM main.users WHERE normalized_email = upper(@e)", ("e", email)))!);
        Assert.Equal(0L, await LoginsOfAsync(email));
        await page.GotoAsync("/Account/Manage");
        await page.WaitForURLAsync(url => url.Contains("/Account/Login")); // not signed in
    }
}
