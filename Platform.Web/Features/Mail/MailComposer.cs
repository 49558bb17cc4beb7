using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using MimeKit;
using Platform.Web.Components.Shared;

namespace Platform.Web.Features.Mail;

/// <summary>
/// Turns an outbox row into the MIME message that goes out: multipart/alternative with a plain-text part (links
/// written out, for clients that show no HTML) and the HTML part passed through <see cref="HtmlSafety"/> (the bodies
/// embed user-chosen text such as workspace names), signed with the product's name. The links themselves were built
/// by the callers from Platform:PublicUrl (Features/Account/PublicLinks).
/// </summary>
public static class MailComposer
{
    public const string ProductName = "Platform";

    public static MimeMessage Compose(SmtpOptions smtp, string to, string subject, string htmlBody)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(smtp.FromName, smtp.FromAddress));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        var safeHtml = HtmlSafety.Sanitize(htmlBody);
        var body = new BodyBuilder
        {
            TextBody = ToPlainText(safeHtml) + $"\n\n-- \n{ProductName}\n",
            HtmlBody = "<!DOCTYPE html><html><body style=\"font-family:sans-serif;line-height:1.5\">" +
                       $"<div>{safeHtml}</div><p style=\"color:#666;font-size:small\">{ProductName}</p></body></html>",
        };
        message.Body = body.ToMessageBody();
        return message;
    }

    /// <summary>The text a reader sees, with each link's address after its text ("Accept the invitation
    /// (https://…)") and block elements on their own lines.</summary>
    public static string ToPlainText(string html)
    {
        var document = new HtmlParser().ParseDocument("<body>" + html + "</body>");
        var text = new StringBuilder();
        Append(document.Body!, text);
        return string.Join('\n', text.ToString().Split('\n').Select(l => l.Trim())).Trim();
    }

    private static void Append(INode node, StringBuilder text)
    {
        foreach (var child in node.ChildNodes)
        {
            switch (child)
            {
                case IText t:
                    text.Append(t.Data);
                    break;
                case IElement { LocalName: "br" }:
                    text.Append('\n');
                    break;
                case IElement { LocalName: "a" } a:
                    Append(a, text);
                    if (a.GetAttribute("href") is { Length: > 0 } href && href != a.TextContent.Trim())
                        text.Append(" (").Append(href).Append(')');
                    break;
                case IElement { LocalName: "p" or "div" or "li" or "tr" or "h1" or "h2" or "h3" } block:
                    text.Append('\n');
                    Append(block, text);
                    text.Append('\n');
                    break;
                default:
                    Append(child, text);
                    break;
            }
        }
    }
}
