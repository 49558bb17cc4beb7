using Microsoft.Playwright;

namespace Platform.E2E.Infrastructure;

/// <summary>Steps through the Identity pages, as a person would.</summary>
public static class AccountSteps
{
    public const string DemoOwnerEmail = "owner@acme.test";
    public const string DemoOwnerPassword = "Demo!Passw0rd";

    public static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/Account/Login");
        await page.Locator("#Input\\.Email").FillAsync(email);
        await page.Locator("#Input\\.Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/Account/Login"));
    }

    /// <summary>Registers, confirms through the dev outbox's link, and signs in.</summary>
    public static async Task RegisterAndConfirmAsync(IPage page, string email, string password, string? screenshotPrefix = null)
    {
        await page.GotoAsync("/Account/Register");
        await page.Locator("#Input\\.Email").FillAsync(email);
        await page.Locator("#Input\\.Password").FillAsync(password);
        await page.Locator("#Input\\.ConfirmPassword").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register", Exact = true }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/Account/RegisterConfirmation"));
        if (screenshotPrefix is not null) await Browser.ScreenshotAsync(page, screenshotPrefix + "-1-check-email");

        await page.Locator("#open-outbox").ClickAsync();
        var mail = page.Locator("[data-testid=outbox-mail]").Filter(new() { HasText = "Confirm your email" }).First;
        await mail.WaitForAsync();
        if (screenshotPrefix is not null) await Browser.ScreenshotAsync(page, screenshotPrefix + "-2-outbox");
        await mail.Locator("a").ClickAsync();
        await page.GetByText("Thank you for confirming your email.").WaitForAsync();

        await SignInAsync(page, email, password);
    }
}
