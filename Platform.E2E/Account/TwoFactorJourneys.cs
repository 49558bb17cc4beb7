using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.Playwright;
using Platform.E2E.Infrastructure;
using static Platform.E2E.Workspaces.WorkspaceSteps;

namespace Platform.E2E.Account;

/// <summary>Two-factor authentication with an authenticator app: the test is the app (RFC 6238 below).
/// Runs on the SSO app, which AccountPagesJourneys already starts, instead of starting another server.</summary>
[Collection(SsoCollection.Name)]
public class TwoFactorJourneys(SsoApp sso, Browser browser)
{
    private AppServer app => sso.Server;

    [Fact]
    public async Task A_person_enables_an_authenticator_app_and_then_signs_in_with_a_code_or_once_with_a_recovery_code()
    {
        var email = NewEmail("two-factor");
        var page = await browser.NewPageAsync(app);
        await AccountSteps.RegisterAndConfirmAsync(page, email, Password);

        // With two-factor authentication off, the recovery-code and turn-off pages say so instead of failing.
        await page.GotoAsync("/Account/Manage/GenerateRecoveryCodes");
        await Assertions.Expect(page.Locator("[data-testid=recovery-codes-need-2fa]")).ToContainTextAsync("Two-factor authentication is off");
        await page.GotoAsync("/Account/Manage/Disable2fa");
        await Assertions.Expect(page.Locator("[data-testid=two-factor-already-off]")).ToBeVisibleAsync();

        // Manage → Two-factor authentication → Add authenticator app: the shared key, then a code from it.
        await page.GotoAsync("/Account/Manage/TwoFactorAuthentication");
        await page.GetByRole(AriaRole.Link, new() { Name = "Add authenticator app" }).ClickAsync();
        var key = await page.Locator("[data-testid=authenticator-key]").InnerTextAsync();
        await page.Locator("#Input\\.Code").FillAsync(Totp.Code(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByText("Your authenticator app has been verified.")).ToBeVisibleAsync();
        var recoveryCodes = await page.Locator("code.recovery-code").AllInnerTextsAsync();
        Assert.Equal(10, recoveryCodes.Count);
        Assert.Equal(true, await app.ScalarAsync("SELECT two_factor_enabled FROM main.users WHERE normalized_email = upper(@e)", ("e", email)));
        await Browser.ScreenshotAsync(page, "two-factor-recovery-codes");

        // Signed out, the password alone no longer signs in: the code is asked for, and a wrong one is refused.
        await page.Context.ClearCookiesAsync();
        await SignInWithPasswordAsync(page, email);
        var code = Totp.Code(key);
        await page.Locator("#Input\\.TwoFactorCode").FillAsync(Totp.AnotherCode(code));
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByText("Invalid authenticator code")).ToBeVisibleAsync();
        Assert.Contains("/Account/LoginWith2fa", page.Url);
        await Browser.ScreenshotAsync(page, "two-factor-wrong-code");

        await page.Locator("#Input\\.TwoFactorCode").FillAsync(Totp.Code(key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/Account/LoginWith2fa"));
        await page.GotoAsync("/Account/Manage");
        Assert.DoesNotContain("/Account/Login", page.Url); // signed in

        // A recovery code signs in once…
        await page.Context.ClearCookiesAsync();
        await SignInWithRecoveryCodeAsync(page, email, recoveryCodes[0]);
        await page.WaitForURLAsync(url => !url.Contains("/Account/LoginWithRecoveryCode"));
        await page.GotoAsync("/Account/Manage");
        Assert.DoesNotContain("/Account/Login", page.Url);

        // …and never again.
        await page.Context.ClearCookiesAsync();
        await SignInWithRecoveryCodeAsync(page, email, recoveryCodes[0]);
        await Assertions.Expect(page.GetByText("Invalid recovery code entered")).ToBeVisibleAsync();
        Assert.Contains("/Account/LoginWithRecoveryCode", page.Url);
        await page.GotoAsync("/Account/Manage");
        await page.WaitForURLAsync(url => url.Contains("/Account/Login")); // not signed in
    }

    private static async Task SignInWithPasswordAsync(IPage page, string email)
    {
        await page.GotoAsync("/Account/Login");
        await page.Locator("#Input\\.Email").FillAsync(email);
        await page.Locator("#Input\\.Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/Account/LoginWith2fa"));
    }

    private static async Task SignInWithRecoveryCodeAsync(IPage page, string email, string recoveryCode)
    {
        await SignInWithPasswordAsync(page, email);
        await page.GetByRole(AriaRole.Link, new() { Name = "log in with a recovery code" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/Account/LoginWithRecoveryCode"));
        await page.Locator("#Input\\.RecoveryCode").FillAsync(recoveryCode);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
    }

    /// <summary>RFC 6238 time-based codes as an authenticator app makes them: HMAC-SHA1 over the 30-second step
    /// count, dynamic truncation (RFC 4226), six digits. The key is the base32 shown on EnableAuthenticator.</summary>
    private static class Totp
    {
        public static string Code(string base32Key)
        {
            var step = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;
            Span<byte> counter = stackalloc byte[8];
            BinaryPrimitives.WriteInt64BigEndian(counter, step);
            var hash = HMACSHA1.HashData(Base32(base32Key), counter);
            var offset = hash[^1] & 0x0f;
            var binary = (BinaryPrimitives.ReadInt32BigEndian(hash.AsSpan(offset, 4)) & 0x7fffffff) % 1_000_000;
            return binary.ToString("D6");
        }

        /// <summary>A six-digit code that is not <paramref name="code"/>.</summary>
        public static string AnotherCode(string code) => ((int.Parse(code) + 500_000) % 1_000_000).ToString("D6");

        private static byte[] Base32(string text)
        {
            const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
            var bytes = new List<byte>();
            int buffer = 0, bits = 0;
            foreach (var c in text.ToUpperInvariant())
            {
                if (c is ' ' or '=') continue;
                buffer = (buffer << 5) | alphabet.IndexOf(c);
                bits += 5;
                if (bits < 8) continue;
                bits -= 8;
                bytes.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
            return bytes.ToArray();
        }
    }
}
