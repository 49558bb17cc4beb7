using System.Text.RegularExpressions;
using Microsoft.Playwright;
using MimeKit;
using Platform.E2E.Infrastructure;
using Platform.Tests.Infrastructure;
using static Platform.E2E.Workspaces.WorkspaceSteps;

namespace Platform.E2E.Mail;

/// <summary>An app of its own that delivers its mail over SMTP to a real server on 127.0.0.1 (the tests'
/// SmtpServer): journeys follow the links in the mail that arrived there, never the dev outbox.</summary>
public sealed class SmtpApp : IAsyncLifetime
{
    public AppServer Server { get; } = new();
    public TestSmtpServer Smtp { get; } = new();

    public async Task InitializeAsync()
    {
        Smtp.Start();
        Server.Environment_["Mail__Smtp__Host"] = "127.0.0.1";
        Server.Environment_["Mail__Smtp__Port"] = Smtp.Port.ToString();
        Server.Environment_["Mail__Smtp__Tls"] = "None";
        Server.Environment_["Mail__Smtp__FromAddress"] = "no-reply@platform.journey.test";
        Server.Environment_["Mail__Smtp__PollInterval"] = "00:00:00.300";
        await Server.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        await Smtp.DisposeAsync();
    }

    /// <summary>The delivered mail to <paramref name="to"/> whose subject contains <paramref name="subject"/>,
    /// waiting for the delivery worker (it polls every 300 ms here).</summary>
    public async Task<MimeMessage> DeliveredAsync(string to, string subject)
    {
        for (var waited = 0; waited < 600; waited++)
        {
            if (Smtp.To(to).FirstOrDefault(m => m.Subject?.Contains(subject, StringComparison.Ordinal) == true) is { } mail) return mail;
            await Task.Delay(100);
        }
        throw new TimeoutException($"No mail '{subject}' to {to} was delivered:\n{Server.OutputSoFar}");
    }

    /// <summary>The first link in the mail's plain-text part (where the app writes links out in full).</summary>
    public static string LinkIn(MimeMessage mail, string pathPart) =>
        Regex.Matches(mail.TextBody ?? "", @"https?://[^\s)]+").Select(m => m.Value).First(u => u.Contains(pathPart, StringComparison.Ordinal));
}

[CollectionDefinition(Name)]
public sealed class SmtpCollection : ICollectionFixture<SmtpApp>, ICollectionFixture<Browser>
{
    public const string Name = "smtp";
}

[Collection(SmtpCollection.Name)]
public class MailDeliveryJourneys(SmtpApp smtpApp, Browser browser)
{
    private AppServer app => smtpApp.Server;

    [Fact]
    public async Task An_invited_person_registers_confirms_from_the_delivered_mail_signs_in_and_lands_in_the_workspace()
    {
        var owner = await browser.NewPageAsync(app);
        await AccountSteps.SignInAsync(owner, AccountSteps.DemoOwnerEmail, AccountSteps.DemoOwnerPassword);
        var inviteeEmail = NewEmail("smtp-invitee");
        await owner.GotoAsync("/w/acme/settings/invites");
        await Field(owner, "invite-emails").FillAsync(inviteeEmail);
        await owner.Locator("[data-testid=invite-send]").ClickAsync();
        await Assertions.Expect(owner.Locator("[data-testid=invites-table]")).ToContainTextAsync(inviteeEmail);

        // The invitation arrives by SMTP, with a link on the public address.
        var invitation = await smtpApp.DeliveredAsync(inviteeEmail, "invited");
        var inviteLink = SmtpApp.LinkIn(invitation, "/invite/");
        Assert.StartsWith(app.BaseUrl + "/invite/", inviteLink);
        Assert.Contains(inviteLink.Replace("&", "&amp;"), invitation.HtmlBody);

        var invitee = await browser.NewPageAsync(app);
        await invitee.GotoAsync(inviteLink);
        await invitee.Locator("[data-testid=invite-register]").ClickAsync();
        await invitee.Locator("#Input\\.Email").FillAsync(inviteeEmail);
        await invitee.Locator("#Input\\.Password").FillAsync(Password);
        await invitee.Locator("#Input\\.ConfirmPassword").FillAsync(Password);
        await invitee.GetByRole(AriaRole.Button, new() { Name = "Register", Exact = true }).ClickAsync();
        await invitee.WaitForURLAsync(url => url.Contains("/Account/RegisterConfirmation"));

        // Confirmation from the mail that was delivered, not from the outbox.
        var confirmation = await smtpApp.DeliveredAsync(inviteeEmail, "Confirm your email");
        var confirmLink = SmtpApp.LinkIn(confirmation, "/Account/ConfirmEmail");
        Assert.StartsWith(app.BaseUrl + "/Account/ConfirmEmail", confirmLink);
        await invitee.GotoAsync(confirmLink);
        await invitee.GetByText("Thank you for confirming your email.").WaitForAsync();
        await Browser.ScreenshotAsync(invitee, "mail-confirmed-next-step");

        // Not a dead end: Sign in, and the invite was remembered across the mail.
        await invitee.Locator("[data-testid=confirm-sign-in]").ClickAsync();
        await invitee.Locator("#Input\\.Email").FillAsync(inviteeEmail);
        await invitee.Locator("#Input\\.Password").FillAsync(Password);
        await invitee.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true }).ClickAsync();
        // Registered from the invite with its address and confirmed it: straight into the workspace, no "Join" click.
        await invitee.WaitForURLAsync("**/w/acme/chat");
        Assert.DoesNotContain("onboarding", invitee.Url);
        await Browser.ScreenshotAsync(invitee, "mail-invitee-in-workspace");
    }

    [Fact]
    public async Task An_address_that_is_not_one_is_refused_at_registration()
    {
        var page = await browser.NewPageAsync(app);
        await page.GotoAsync("/Account/Register");
        await page.Locator("#Input\\.Email").FillAsync("also@bad");
        await page.Locator("#Input\\.Password").FillAsync(Password);
        await page.Locator("#Input\\.ConfirmPassword").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Register", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByText("Enter an email address such as name@example.com.").First).ToBeVisibleAsync();
        Assert.Contains("/Account/Register", page.Url);
        Assert.Empty(smtpApp.Smtp.To("also@bad"));
    }
}
