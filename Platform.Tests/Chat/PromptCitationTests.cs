using System.Text.RegularExpressions;
using Platform.Data.Tenant.Entities;
using Platform.Tests.Infrastructure;
using Platform.Web.Ai;
using Platform.Web.Features.Chat.Components;
using Platform.Web.Features.Chat.Engine;

namespace Platform.Tests.Chat;

/// <summary>With a real provider (the OpenAI-protocol server on 127.0.0.1): the prompt carries the passages with
/// stable numbers, their document and section, and tells the model to cite them; the [n] the model writes maps to
/// the stored citation n, which links to that passage in the viewer.</summary>
public class PromptCitationTests(ChatPlatform platform) : IClassFixture<ChatPlatform>, IAsyncLifetime
{
    private OpenAiProtocolServer _server = null!;

    public async Task InitializeAsync() => _server = await OpenAiProtocolServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_model_sees_numbered_passages_and_its_citation_numbers_lead_to_those_passages()
    {
        var actor = await platform.WorkspaceAsync(new AiEndpoint(_server.BaseUrl, "sk-test", "mock-model"));
        var travel = new Document { Title = "Travel policy", Content = "x", Status = DocumentStatus.Ready };
        var expenses = new DocumentChunk
        {
            DocumentId = travel.Id, Position = 3, Section = "Travel policy › Expenses",
            Content = "Meals on business trips are covered up to 60 EUR per day.",
        };
        await using (var db = await platform.Tenants.OpenAsync(actor.WorkspaceId, actor.UserId))
        {
            db.Documents.Add(travel);
            db.DocumentChunks.Add(expenses);
            await db.CommitAsync();
        }
        // A model that obeys: it cites the passage that holds the answer by the number the prompt gave it.
        _server.ChatStream = request =>
        {
            var text = string.Join("\n", request.Json!["messages"]!.AsArray().Select(m => (string?)m!["content"] ?? ""));
            var n = Regex.Match(text, @"<passage n=""(\d+)""[^>]*>\n[^<]*60 EUR").Groups[1].Value;
            return new OpenAiReply { Tokens = ["Meals are covered up to 60 EUR a day ", $"[{n}]", "."] };
        };

        var sent = await platform.Conversation.SendAsync(actor, null, "How much are meals on business trips covered, and how many days of paid leave?");
        Assert.True(sent.Ok, sent.Error);
        var answer = await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Status == MessageStatus.Complete);

        var prompt = string.Join("\n", _server.Requests.First(r => r.Stream).Json!["messages"]!.AsArray()
            .Select(m => (string?)m!["content"] ?? ""));
        Assert.Contains("it with the passage's number n in square brackets", prompt);
        Assert.Contains("<passage n=\"1\" document=\"", prompt);
        Assert.Contains("<passage n=\"2\" document=\"", prompt);
        Assert.Contains("document=\"Travel policy\" section=\"Travel policy › Expenses\">", prompt);

        var cited = int.Parse(Regex.Match(answer.Content, @"\[(\d+)\]").Groups[1].Value);
        var citations = Citation.Parse(answer.Citations);
        Assert.Equal(Enumerable.Range(1, citations.Count), citations.Select(c => c.N));
        var citation = citations.Single(c => c.N == cited);
        Assert.Equal(expenses.Id, citation.ChunkId);
        Assert.Equal("Travel policy", citation.Title);
        Assert.Equal("Expenses", citation.Where);

        // Rendered, the marker is a link to exactly that passage in the viewer.
        var html = ChatMarkdown.ToSafeHtml(answer.Content, n => citations.FirstOrDefault(c => c.N == n) is { } c
            ? new CitationLink(c.ViewerUrl("/w/acme/documents"), $"{c.Title} · {c.Where}") : null);
        Assert.Contains($"href=\"/w/acme/documents/{travel.Id}?chunk={expenses.Id}#passage\"", html);
        Assert.Contains("title=\"Travel policy · Expenses\"", html);
    }
}
