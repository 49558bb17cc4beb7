using Microsoft.EntityFrameworkCore;
using Npgsql;
using Platform.Data.Tenant.Entities;
using Platform.Tests.Infrastructure;
using Platform.Web.Ai;
using Platform.Web.Ai.Chat;

namespace Platform.Tests.Chat;

/// <summary>Characters PostgreSQL text cannot hold (U+0000, lone surrogates) in questions and in streamed answers:
/// cleaned where they enter, never a lost message or an answer wrongly reported as interrupted.</summary>
public class UnstorableTextTests(ChatPlatform platform) : IClassFixture<ChatPlatform>, IAsyncLifetime
{
    private OpenAiProtocolServer _server = null!;

    public async Task InitializeAsync() => _server = await OpenAiProtocolServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    private AiEndpoint Endpoint => new(_server.BaseUrl, "sk-test", "mock-model");

    [Fact]
    public async Task A_question_with_a_nul_and_a_lone_surrogate_is_saved_cleaned_and_answered()
    {
        var actor = await platform.WorkspaceAsync(Endpoint);

        var sent = await platform.Conversation.SendAsync(actor, null, "How many\0 days of leave\uD800?");
        Assert.True(sent.Ok, sent.Error);
        var answer = await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Status != MessageStatus.Streaming);

        Assert.Equal(MessageStatus.Complete, answer.Status);
        Assert.Equal("Hello from the mock.", answer.Content);
        await using var db = await platform.Tenants.OpenAsync(actor.WorkspaceId, actor.UserId);
        var question = await db.Messages.AsNoTracking().SingleAsync(m => m.ChatId == sent.Value.ChatId && m.Role == "user");
        Assert.Equal("How many days of leave\uFFFD?", question.Content);
    }

    [Fact]
    public async Task A_nul_in_a_streamed_delta_is_dropped_and_the_whole_answer_completes()
    {
        var actor = await platform.WorkspaceAsync(Endpoint);
        _server.ChatStream = _ => OpenAiReply.Answer("Before", " the\0 NUL", " and", " after.");

        var sent = await platform.Conversation.SendAsync(actor, null, "Say something odd");
        var answer = await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Status != MessageStatus.Streaming);

        Assert.Equal(MessageStatus.Complete, answer.Status);
        Assert.Equal("Before the NUL and after.", answer.Content);
        Assert.Null(answer.Error);
        Assert.NotEqual("interrupted", answer.FinishReason);
    }

    [Fact]
    public async Task An_answer_whose_final_save_fails_is_marked_failed_not_interrupted()
    {
        var actor = await platform.WorkspaceAsync(Endpoint);
        _server.ChatStream = _ => OpenAiReply.Answer("This", " answer", " is", " unsaveable-marker.");
        // The database refuses to store this answer as complete (as it refused a NUL before text was cleaned);
        // marking it failed is still allowed.
        await using (var owner = new NpgsqlConnection(TestDatabases.Owner(platform.MainDatabase)))
        {
            await owner.OpenAsync();
            await using var cmd = new NpgsqlCommand("""
                CREATE OR REPLACE FUNCTION tenant.refuse_marked_answer() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF NEW.status = 'complete' AND NEW.content LIKE '%unsaveable-marker%' THEN
                    RAISE EXCEPTION 'refused by test';
                  END IF;
                  RETURN NEW;
                END $$;
                DROP TRIGGER IF EXISTS refuse_marked_answer ON tenant.messages;
                CREATE TRIGGER refuse_marked_answer BEFORE UPDATE ON tenant.messages
                  FOR EACH ROW EXECUTE FUNCTION tenant.refuse_marked_answer();
                """, owner);
            await cmd.ExecuteNonQueryAsync();
        }
        try
        {
            var sent = await platform.Conversation.SendAsync(actor, null, "Write something");
            var answer = await platform.WaitForAsync(actor, sent.Value.AssistantId, m => m.Status != MessageStatus.Streaming);

            Assert.Equal(MessageStatus.Failed, answer.Status);
            Assert.Equal(ProviderFailure.Internal, answer.ErrorKind);
            Assert.Contains("could not be saved", answer.Error);
            Assert.DoesNotContain("interrupted", answer.Error);
            Assert.NotEqual("interrupted", answer.FinishReason);
            await using var db = await platform.Tenants.OpenAsync(actor.WorkspaceId, actor.UserId);
            Assert.Equal(ChatGenerationStatus.Failed, await db.Chats.Where(c => c.Id == sent.Value.ChatId).Select(c => c.GenerationStatus).SingleAsync());
        }
        finally
        {
            await using var owner = new NpgsqlConnection(TestDatabases.Owner(platform.MainDatabase));
            await owner.OpenAsync();
            await using var drop = new NpgsqlCommand("DROP TRIGGER IF EXISTS refuse_marked_answer ON tenant.messages", owner);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
