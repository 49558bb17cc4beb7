using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Platform.Web.Features.Mail;

/// <summary>
/// Whether a string is an address mail can be delivered to on the internet: one '@', a plain local part
/// (dot-atom: no spaces, quotes or comments), and a domain name with at least two labels and a real top-level
/// label. <c>also@bad</c>, <c>a@b.</c>, <c>a b@c.com</c> and <c>"Name" &lt;a@b.com&gt;</c> are not addresses.
/// DataAnnotations' [EmailAddress] and System.Net.Mail accept several of these.
/// </summary>
public static partial class EmailAddresses
{
    public static bool IsValid(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > 254 || value.Trim() != value) return false;
        var at = value.LastIndexOf('@');
        if (at <= 0 || at != value.IndexOf('@') || at == value.Length - 1) return false;
        var (local, domain) = (value[..at], value[(at + 1)..]);
        if (local.Length > 64 || !LocalPart().IsMatch(local)) return false;
        string ascii;
        try { ascii = new IdnMapping().GetAscii(domain); }
        catch (ArgumentException) { return false; }
        var labels = ascii.Split('.');
        return labels.Length >= 2 && labels.All(l => Label().IsMatch(l)) && TopLabel().IsMatch(labels[^1]);
    }

    [GeneratedRegex(@"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")]
    private static partial Regex LocalPart();

    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex Label();

    [GeneratedRegex("^([A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$")]
    private static partial Regex TopLabel();
}

/// <summary>DataAnnotations form of <see cref="EmailAddresses.IsValid"/> for the account pages' input models.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DeliverableEmailAttribute : ValidationAttribute
{
    public DeliverableEmailAttribute() : base("Enter an email address such as name@example.com.") { }

    public override bool IsValid(object? value) => value is null || value is string s && (s.Length == 0 || EmailAddresses.IsValid(s));
}
