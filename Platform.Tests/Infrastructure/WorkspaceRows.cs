using Pgvector;
using Platform.Data.Main.Entities;
using Platform.Data.Tenancy;
using Platform.Data.Tenant.Entities;

namespace Platform.Tests.Infrastructure;

/// <summary>
/// One row in every workspace-scoped table of both stores, written through the app's own paths. The isolation
/// tests check that every table with a workspace_id has rows here: a feature that adds a table adds it here too.
/// </summary>
public static class WorkspaceRows
{
    private static DateTimeOffset Today => new(DateTime.UtcNow.Date, TimeSpan.Zero);

    public static async Task SeedAsync(PlatformFixture platform, Guid workspaceId, Guid ownerId)
    {
        await using (var db = await platform.Main.OpenAsync(DbSession.ForWorkspace(workspaceId, ownerId)))
        {
            var role = new WorkspaceRole { WorkspaceId = workspaceId, Name = "Editors", Permissions = ["manage_documents"] };
            var team = new Team { WorkspaceId = workspaceId, Name = "Support" };
            db.WorkspaceRoles.Add(role);
            db.Teams.Add(team);
            db.TeamMembers.Add(new TeamMember { WorkspaceId = workspaceId, TeamId = team.Id, UserId = ownerId });
            db.WorkspaceInvites.Add(new WorkspaceInvite
            {
                WorkspaceId = workspaceId, Email = "invitee@test.local", TokenHash = Guid.NewGuid().ToString("N"),
                ExpiresAt = DateTimeOffset.UtcNow.AddDays(7),
            });
            db.WorkspaceApps.Add(new WorkspaceApp
            {
                WorkspaceId = workspaceId, EncryptedConnectionString = "not-a-secret", ConnectionHint = "db:5432/x as y",
            });
            db.WorkspaceProviderKeys.Add(new WorkspaceProviderKey
            {
                WorkspaceId = workspaceId, Name = "Test provider", BaseUrl = "http://127.0.0.1:1/v1", ChatModel = "m",
            });
            // Public API (Features/Api)
            var apiKey = new ApiKey
            {
                WorkspaceId = workspaceId, Name = "Test key", Prefix = "plk_test", KeyHash = Guid.NewGuid().ToString("N"),
                Scopes = ["search"], CreatedByUserId = ownerId,
            };
            db.ApiKeys.Add(apiKey);
            db.ApiIdempotencyRecords.Add(new ApiIdempotencyRecord
            {
                WorkspaceId = workspaceId, ApiKeyId = apiKey.Id, IdempotencyKey = "k1", RequestHash = "h", StatusCode = 202, ResponseBody = "{}",
            });
            // Costs (billing lives in the main store)
            db.CostEvents.Add(new CostEvent
            {
                WorkspaceId = workspaceId, UserId = ownerId, Service = "llm", Provider = "offline", Model = "retrieval",
                InputTokens = 10, OutputTokens = 5,
            });
            db.CostHourRollups.Add(new CostHourRollup
            {
                WorkspaceId = workspaceId, PeriodStart = Today, Service = "llm", Provider = "offline", Model = "retrieval", EventCount = 1,
            });
            db.CostDayRollups.Add(new CostDayRollup
            {
                WorkspaceId = workspaceId, PeriodStart = Today, Service = "llm", Provider = "offline", Model = "retrieval", EventCount = 1,
            });
            db.CostUserDayRollups.Add(new CostUserDayRollup { WorkspaceId = workspaceId, PeriodStart = Today, UserId = ownerId, EventCount = 1 });
            db.CostWorkspaceDayRollups.Add(new CostWorkspaceDayRollup { WorkspaceId = workspaceId, PeriodStart = Today, EventCount = 1 });
            db.ChatCostTotals.Add(new ChatCostTotal { WorkspaceId = workspaceId, ChatId = Guid.NewGuid(), FirstAt = Today, LastAt = Today, EventCount = 1 });
            db.Budgets.Add(new Budget { WorkspaceId = workspaceId, MonthlyLimitUsd = 10 });
            db.BudgetLedgers.Add(new BudgetLedger { WorkspaceId = workspaceId, Period = BudgetPeriod.Month, PeriodStart = Today });
            db.BudgetAlerts.Add(new BudgetAlert
            {
                WorkspaceId = workspaceId, Period = BudgetPeriod.Month, PeriodStart = Today, ThresholdPercent = 50,
                LimitUsd = 10, SpendUsd = 5, Severity = "warning",
            });
            db.RateLimits.Add(new RateLimit
            {
                WorkspaceId = workspaceId, UserId = ownerId, Tier = "free", PeriodStart = Today,
                ResetsAt = Today.AddDays(1), MessageCreditsUsed = 1,
            });
            db.UsageLogs.Add(new UsageLog { WorkspaceId = workspaceId, UserId = ownerId, UsageType = "message", CreditsConsumed = 1 });
            await db.SaveChangesAsync();
            await db.Database.CommitTransactionAsync();
        }

        await using var tenant = await platform.Tenants.OpenAsync(workspaceId, ownerId);
        var chat = new Platform.Data.Tenant.Entities.Chat { UserId = ownerId, Title = "Hello" };
        var document = new Document { Title = "Doc", Content = "text" };
        tenant.Chats.Add(chat);
        var question = new Message { ChatId = chat.Id, Role = "user", Content = "hi" };
        var answer = new Message { ChatId = chat.Id, ParentId = question.Id, Role = "assistant", Content = "hello" };
        tenant.Messages.AddRange(question, answer);
        tenant.MessageVotes.Add(new MessageVote { MessageId = answer.Id, UserId = ownerId, Value = 1 });
        tenant.MessageSuggestions.Add(new MessageSuggestion { MessageId = answer.Id, Position = 0, Text = "More?" });
        tenant.GenerationStreams.Add(new GenerationStream { ChatId = chat.Id, MessageId = answer.Id, UserId = ownerId, Status = "complete" });
        var gitSource = new GitSource { Repository = "https://example.com/acme/docs.git", Name = "docs", Status = GitSourceStatus.Idle };
        tenant.GitSources.Add(gitSource);
        tenant.GitSyncRuns.Add(new GitSyncRun { SourceId = gitSource.Id, Status = GitSyncRunStatus.Succeeded, Added = 1 });
        document.GitSourceId = gitSource.Id;
        document.SourcePath = "README.md";
        tenant.Documents.Add(document);
        tenant.DocumentFiles.Add(new DocumentFile { DocumentId = document.Id, Data = "text"u8.ToArray() });
        tenant.DocumentChunks.Add(new DocumentChunk
        {
            DocumentId = document.Id, Content = "text", Position = 0,
            Embedding = new Vector(new float[DocumentChunk.EmbeddingDimensions]),
        });
        await tenant.CommitAsync();
    }
}
