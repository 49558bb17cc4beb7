using Microsoft.EntityFrameworkCore;
using Platform.Data.Tenancy;
using Platform.Data.Tenant.Entities;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Migrations;

/// <summary>
/// Existing databases must upgrade, not only fresh ones (two migrations once broke that: a NOT NULL column added
/// without a default to a table with rows). Each store is taken to its FIRST migration, filled with plain SQL as
/// the app of that time would have (RLS already on), then upgraded by the app's migrator; every row must still be
/// there and readable through today's model by the runtime role.
/// </summary>
public class UpgradePathTests
{
    private static readonly DateTimeOffset Then = new(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_main_store_upgrades_from_its_first_migration_keeping_users_workspaces_members_and_their_rows()
    {
        await using var store = await UpgradeStore.CreateAsync("upgrade_main");
        await using (var owner = store.MainOwner())
            await store.MigrateToFirstAsync(owner, RowLevelSecurity.MainSchema);

        Guid user = Guid.CreateVersion7(), ws = Guid.CreateVersion7(), member = Guid.CreateVersion7(), role = Guid.CreateVersion7();
        Guid team = Guid.CreateVersion7(), teamMember = Guid.CreateVersion7(), invite = Guid.CreateVersion7();
        await store.ExecuteAsync(DbSession.None, """
            INSERT INTO main.users (id, display_name, is_platform_admin, created_at, user_name, normalized_user_name, email,
                normalized_email, email_confirmed, security_stamp, concurrency_stamp, phone_number_confirmed, two_factor_enabled,
                lockout_enabled, access_failed_count)
            VALUES (@user, 'Olga Owner', false, @then, 'olga@old.test', 'OLGA@OLD.TEST', 'olga@old.test', 'OLGA@OLD.TEST', true,
                'stamp', 'concurrency', false, false, true, 0);
            INSERT INTO main.workspaces (id, name, slug, plan, data_placement, status, created_by_user_id, created_at)
            VALUES (@ws, 'Old Acme', 'old-acme', 'free', 'platform', 'active', @user, @then);
            """, ("user", user), ("ws", ws), ("then", Then));
        await store.ExecuteAsync(DbSession.ForWorkspace(ws, user), """
            INSERT INTO main.workspace_roles (workspace_id, id, name, permissions, created_at)
            VALUES (@ws, @role, 'Reviewers', ARRAY['view_costs'], @then);
            INSERT INTO main.workspace_members (workspace_id, id, user_id, role, workspace_role_id, joined_at)
            VALUES (@ws, @member, @user, 'owner', NULL, @then);
            INSERT INTO main.teams (workspace_id, id, name, description, created_at) VALUES (@ws, @team, 'Support', 'First line', @then);
            INSERT INTO main.team_members (workspace_id, id, team_id, user_id, added_at) VALUES (@ws, @teamMember, @team, @user, @then);
            INSERT INTO main.workspace_invites (workspace_id, id, email, role, token_hash, expires_at, created_by_user_id, created_at)
            VALUES (@ws, @invite, 'new@old.test', 'member', repeat('a', 64), @then + interval '7 days', @user, @then);
            INSERT INTO main.audit_log (workspace_id, user_id, action, target_type, target_id, details, created_at)
            VALUES (@ws, @user, 'workspace.created', 'workspace', @ws::text, '{"name":"Old Acme"}', @then);
            """, ("ws", ws), ("user", user), ("role", role), ("member", member), ("team", team), ("teamMember", teamMember),
            ("invite", invite), ("then", Then));

        // The app's own upgrade path: every main migration after the first, RLS converged, tenant schema created.
        await store.Migrator.MigrateAllAsync();

        await using (var owner = store.MainOwner())
            Assert.Equal(owner.Database.GetMigrations(), await owner.Database.GetAppliedMigrationsAsync());
        await using (var db = store.Main.Create(DbSession.None))
        {
            var u = await db.Users.AsNoTracking().SingleAsync(x => x.Id == user);
            Assert.Equal(("olga@old.test", "Olga Owner"), (u.Email, u.DisplayName));
            var w = await db.Workspaces.AsNoTracking().SingleAsync(x => x.Id == ws);
            Assert.Equal(("Old Acme", "old-acme"), (w.Name, w.Slug));
        }
        // Read as the runtime role in the workspace (RLS on), materialising whole entities of today's model.
        await using (var db = await store.Main.OpenAsync(DbSession.ForWorkspace(ws, user)))
        {
            Assert.Equal(user, (await db.WorkspaceMembers.AsNoTracking().SingleAsync()).UserId);
            Assert.Equal(["view_costs"], (await db.WorkspaceRoles.AsNoTracking().SingleAsync(r => r.Id == role)).Permissions);
            Assert.Equal("Support", (await db.Teams.AsNoTracking().SingleAsync()).Name);
            Assert.Equal(team, (await db.TeamMembers.AsNoTracking().SingleAsync()).TeamId);
            Assert.Equal("new@old.test", (await db.WorkspaceInvites.AsNoTracking().SingleAsync()).Email);
            Assert.Contains(await db.AuditLog.AsNoTracking().ToListAsync(), a => a.Action == "workspace.created" && a.WorkspaceId == ws);
        }
        // Another workspace's session still sees none of it: the upgrade kept the isolation.
        await using (var db = await store.Main.OpenAsync(DbSession.ForWorkspace(Guid.CreateVersion7())))
            Assert.Empty(await db.WorkspaceMembers.AsNoTracking().ToListAsync());
    }

    [Fact]
    public async Task The_tenant_store_upgrades_from_its_first_migration_keeping_chats_messages_documents_and_chunks()
    {
        await using var store = await UpgradeStore.CreateAsync("upgrade_tenant");
        await using (var owner = store.TenantOwner())
            await store.MigrateToFirstAsync(owner, RowLevelSecurity.TenantSchema);

        Guid ws = Guid.CreateVersion7(), user = Guid.CreateVersion7(), personality = Guid.CreateVersion7(), chat = Guid.CreateVersion7();
        Guid question = Guid.CreateVersion7(), answer = Guid.CreateVersion7(), document = Guid.CreateVersion7();
        Guid chunk1 = Guid.CreateVersion7(), chunk2 = Guid.CreateVersion7();
        var embedding = "[" + string.Join(",", Enumerable.Range(0, 1024).Select(i => i == 3 ? "1" : "0")) + "]";
        await store.ExecuteAsync(DbSession.ForWorkspace(ws, user), """
            INSERT INTO tenant.ai_personalities (workspace_id, id, name, description, system_prompt, model, temperature, is_default, is_active, created_at)
            VALUES (@ws, @personality, 'HR helper', NULL, 'Answer HR questions.', NULL, 0.2, true, true, @then);
            INSERT INTO tenant.documents (workspace_id, id, title, file_name, content_type, size_bytes, content_hash, status, content, created_by_user_id, created_at)
            VALUES (@ws, @document, 'Handbook', 'handbook.md', 'text/markdown', 120, repeat('b', 64), 'ready',
                    'Everyone has 28 days of paid leave.', @user, @then);
            INSERT INTO tenant.document_chunks (workspace_id, id, document_id, position, content, token_count, embedding, embedding_model, created_at)
            VALUES (@ws, @chunk1, @document, 0, 'Everyone has 28 days of paid leave.', 9, @embedding::vector, 'builtin-hashing', @then),
                   (@ws, @chunk2, @document, 1, 'Book leave two weeks ahead.', 6, NULL, NULL, @then);
            INSERT INTO tenant.chats (workspace_id, id, user_id, title, personality_id, updated_at, created_at)
            VALUES (@ws, @chat, @user, 'Paid leave', @personality, @then, @then);
            INSERT INTO tenant.messages (workspace_id, id, chat_id, role, content, created_at)
            VALUES (@ws, @question, @chat, 'user', 'How many days of leave?', @then),
                   (@ws, @answer, @chat, 'assistant', 'Everyone has 28 days [1].', @then + interval '1 second');
            """, ("ws", ws), ("user", user), ("personality", personality), ("chat", chat), ("question", question), ("answer", answer),
            ("document", document), ("chunk1", chunk1), ("chunk2", chunk2), ("embedding", embedding), ("then", Then));

        // The app's own path for a tenant store (the platform's, or a workspace's own database).
        var last = await store.Migrator.MigrateTenantStoreAsync(store.Owner, TestDatabases.AppRole);

        await using (var owner = store.TenantOwner())
        {
            Assert.Equal(owner.Database.GetMigrations(), await owner.Database.GetAppliedMigrationsAsync());
            Assert.Equal(owner.Database.GetMigrations().Last(), last);
        }
        await using (var db = store.Tenants.Create(store.App, DbSession.ForWorkspace(ws, user)))
        {
            await db.Database.BeginTransactionAsync();
            Assert.Equal("HR helper", (await db.AiPersonalities.AsNoTracking().SingleAsync()).Name);
            var c = await db.Chats.AsNoTracking().SingleAsync();
            Assert.Equal(("Paid leave", personality, user), (c.Title, c.PersonalityId, c.UserId));
            var messages = await db.Messages.AsNoTracking().OrderBy(m => m.CreatedAt).ToListAsync();
            Assert.Equal(["How many days of leave?", "Everyone has 28 days [1]."], messages.Select(m => m.Content));
            Assert.Equal(["user", "assistant"], messages.Select(m => m.Role));
            // Old answers are finished answers, not "streaming" forever.
            Assert.All(messages, m => Assert.False(MessageStatus.IsLive(m.Status), $"{m.Role} message is {m.Status}"));
            var d = await db.Documents.AsNoTracking().SingleAsync();
            Assert.Equal(("Handbook", DocumentStatus.Ready), (d.Title, d.Status));
            var chunks = await db.DocumentChunks.AsNoTracking().OrderBy(x => x.Position).ToListAsync();
            Assert.Equal([chunk1, chunk2], chunks.Select(x => x.Id));
            Assert.Equal(1f, chunks[0].Embedding!.ToArray()[3]);
            Assert.Null(chunks[1].Embedding);
        }
        await using (var db = store.Tenants.Create(store.App, DbSession.ForWorkspace(Guid.CreateVersion7())))
        {
            await db.Database.BeginTransactionAsync();
            Assert.Empty(await db.Messages.AsNoTracking().ToListAsync());
        }
    }
}
