using Platform.Web.Features.Mail;

namespace Platform.Tests.Mail;

/// <summary>Invites, registration and change of email accept only addresses mail can be delivered to.</summary>
public class EmailAddressTests
{
    [Theory]
    [InlineData("also@bad")]
    [InlineData("a@b.")]
    [InlineData("a@.com")]
    [InlineData("a b@example.com")]
    [InlineData("a@@example.com")]
    [InlineData("a@b@example.com")]
    [InlineData("\"Name\" <a@example.com>")]
    [InlineData(".a@example.com")]
    [InlineData("a..b@example.com")]
    [InlineData("a@-example.com")]
    [InlineData("a@example.c")]
    [InlineData("a@example.123")]
    [InlineData(" a@example.com")]
    [InlineData("@example.com")]
    [InlineData("")]
    public void Not_an_address(string value)
    {
        Assert.False(EmailAddresses.IsValid(value));
        Assert.False(new DeliverableEmailAttribute().IsValid(value) && value.Length > 0);
    }

    [Theory]
    [InlineData("name@example.com")]
    [InlineData("first.last+tag@mail.example.co.uk")]
    [InlineData("x_y-z@sub-domain.example.org")]
    [InlineData("owner@acme.test")]
    [InlineData("joerg@bücher.de")]
    public void An_address(string value) => Assert.True(EmailAddresses.IsValid(value), value);
}
