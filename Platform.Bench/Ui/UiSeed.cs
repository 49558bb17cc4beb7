using System.Diagnostics;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;
using Platform.Data.Tenancy;
using Platform.Web.Ai.Embeddings;
using Platform.Web.Features.Chat.Engine;

namespace Platform.Bench.Ui;

/// <summary>
/// Fills the demo workspace "acme" the way a busy team's would look: 500 documents with passages embedded by the
/// app's built-in embedder (so search ranks them for real), 200 chats of 20 messages whose answers cite the handbook,
/// and 100k AI cost events over 90 days with their rollups. Written as SQL inside the app's tenant context
/// (set_config on the transaction, RLS applies), which is how a long-lived workspace's rows look.
/// </summary>
public static class UiSeed
{
    public sealed record Seeded(Guid WorkspaceId, Guid OwnerId, Guid NewestChatId);

    public static async Task<Seeded> RunAsync(string database, BenchReport report, int documents, int chats, int messagesPerChat, int costEvents)
    {
        var owner = BenchDatabase.For(BenchDatabase.OwnerTemplate, database);
        await using var c = new NpgsqlConnection(owner);
        await c.OpenAsync();
        var workspaceId = (Guid)(await ScalarAsync(c, null, "SELECT id FROM main.workspaces WHERE slug = 'acme'"))!;
        var ownerId = (Guid)(await ScalarAsync(c, null, "SELECT id FROM main.users WHERE normalized_email = 'OWNER@ACME.TEST'"))!;

        var sw = Stopwatch.StartNew();
        await DocumentsAsync(c, workspaceId, ownerId, documents);
        await WaitIngestedAsync(c, workspaceId, documents + 1);
        report.Note($"seed: {documents} documents with {documents * 4} embedded passages (+ the handbook, ingested by the app's worker) in {sw.Elapsed.TotalSeconds:0.0} s");
        sw.Restart();
        var newest = await ChatsAsync(c, workspaceId, ownerId, chats, messagesPerChat);
        report.Note($"seed: {chats} chats × {messagesPerChat} messages (answers cite the handbook) in {sw.Elapsed.TotalSeconds:0.0} s");
        sw.Restart();
        await CostEventsAsync(c, workspaceId, ownerId, costEvents, chats);
        report.Note($"seed: {costEvents:N0} cost events over 90 days + rollups in {sw.Elapsed.TotalSeconds:0.0} s");
        return new Seeded(workspaceId, ownerId, newest);
    }

    private static readonly string[] Topics =
    [
        "Travel and expenses", "Remote work", "Security and passwords", "Onboarding checklist", "Parental leave",
        "Code review", "Incident response", "Customer refunds", "Procurement", "Laptop and equipment",
        "Performance reviews", "Hiring process", "Data retention", "Office access", "On-call rotation",
        "Pricing and discounts", "Brand guidelines", "Release process", "Vendor management", "Training budget",
    ];

    /// <summary>Ready documents with their passages, embedded by the app's own built-in embedder (what a fresh install
    /// uses), so search ranks them for real; the handbook alone goes through the ingestion worker. Letting the
    /// worker do all 500 took 70-80 s on this machine, most of the benchmark's budget.</summary>
    private static async Task DocumentsAsync(NpgsqlConnection c, Guid workspaceId, Guid ownerId, int count)
    {
        var docs = new List<(Guid Id, string Title, string Content, string Category, int Chunks)>();
        var chunks = new List<(Guid DocumentId, int Position, string Section, string Content, int Start, string Embedding)>();
        for (var i = 0; i < count; i++)
        {
            var topic = Topics[i % Topics.Length];
            var title = $"{topic} — policy {i / Topics.Length + 1}";
            (string Section, string Text)[] sections =
            [
                ("Purpose", $"This document describes how Acme handles {topic.ToLowerInvariant()} (revision {i}). It applies to every employee and contractor, in every office, and replaces earlier versions kept on the intranet."),
                ("Rules", $"Requests are filed in the HR portal and approved by the team lead within {2 + i % 5} working days. Anything above {100 * (1 + i % 9)} EUR needs a second approval from finance. Keep receipts and records for seven years."),
                ("Exceptions", "Exceptions are rare and written down: ask people-ops@acme.test, who answer within one working day, and record the decision in the ticket so the next person can find it."),
                ("Contacts", $"Questions about {topic.ToLowerInvariant()} go to the owner of this policy, team {(char)('A' + i % 26)}."),
            ];
            var id = Guid.CreateVersion7();
            var content = $"# {title}\n\n" + string.Join("\n\n", sections.Select(x => $"## {x.Section}\n{x.Text}"));
            for (var n = 0; n < sections.Length; n++)
            {
                var text = $"## {sections[n].Section}\n{sections[n].Text}";
                var vector = HashingEmbeddingGenerator.Embed(text, out _);
                chunks.Add((id, n, sections[n].Section, text, Math.Max(0, content.IndexOf(text, StringComparison.Ordinal)),
                    "[" + string.Join(",", vector.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]"));
            }
            docs.Add((id, title, content, i % 3 == 0 ? "policy" : i % 3 == 1 ? "handbook" : "engineering", sections.Length));
        }
        await using var tx = await TenantSessionInterceptor.BeginAsync(c, DbSession.ForWorkspace(workspaceId, ownerId));
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO tenant.documents (workspace_id, id, title, file_name, content_type, size_bytes, status, progress, attempts,
                content, category, tags, chunk_count, embedding_model, created_by_user_id, updated_at, processed_at, created_at)
            SELECT @w, t.id, t.title, lower(replace(t.title, ' ', '-')) || '.md', 'text/markdown', octet_length(t.content),
                   'ready', 100, 1, t.content, t.category, ARRAY[t.category, 'acme'], t.chunks, @model, @u,
                   now() - (n * interval '7 minutes'), now() - (n * interval '7 minutes'), now() - (n * interval '7 minutes')
            FROM unnest(@ids, @titles, @contents, @categories, @chunkCounts) WITH ORDINALITY AS t(id, title, content, category, chunks, n);

            INSERT INTO tenant.document_chunks (workspace_id, id, document_id, position, content, token_count, section,
                start_offset, end_offset, embedding, embedding_model, created_at)
            SELECT @w, gen_random_uuid(), t.document_id, t.position, t.content, length(t.content) / 4, t.section,
                   t.start, t.start + length(t.content), t.embedding::vector, @model, now()
            FROM unnest(@documentIds, @positions, @sections, @chunkContents, @starts, @embeddings)
                 AS t(document_id, position, section, content, start, embedding);
            """, c, tx);
        cmd.Parameters.AddWithValue("w", workspaceId);
        cmd.Parameters.AddWithValue("u", ownerId);
        cmd.Parameters.AddWithValue("model", HashingEmbeddingGenerator.ModelId);
        cmd.Parameters.AddWithValue("ids", docs.Select(d => d.Id).ToArray());
        cmd.Parameters.AddWithValue("titles", docs.Select(d => d.Title).ToArray());
        cmd.Parameters.AddWithValue("contents", docs.Select(d => d.Content).ToArray());
        cmd.Parameters.AddWithValue("categories", docs.Select(d => d.Category).ToArray());
        cmd.Parameters.AddWithValue("chunkCounts", docs.Select(d => d.Chunks).ToArray());
        cmd.Parameters.AddWithValue("documentIds", chunks.Select(x => x.DocumentId).ToArray());
        cmd.Parameters.AddWithValue("positions", chunks.Select(x => x.Position).ToArray());
        cmd.Parameters.AddWithValue("sections", chunks.Select(x => x.Section).ToArray());
        cmd.Parameters.AddWithValue("chunkContents", chunks.Select(x => x.Content).ToArray());
        cmd.Parameters.AddWithValue("starts", chunks.Select(x => x.Start).ToArray());
        cmd.Parameters.AddWithValue("embeddings", chunks.Select(x => x.Embedding).ToArray());
        await cmd.ExecuteNonQueryAsync();
        await tx.CommitAsync();
    }

    /// <summary>The worker sweeps every few seconds and finds the queued documents itself.</summary>
    private static async Task WaitIngestedAsync(NpgsqlConnection c, Guid workspaceId, int expected)
    {
        var until = DateTime.UtcNow.AddMinutes(4);
        while (true)
        {
            await using var tx = await TenantSessionInterceptor.BeginAsync(c, DbSession.ForWorkspace(workspaceId));
            var ready = (long)(await ScalarAsync(c, tx, "SELECT count(*) FROM tenant.documents WHERE status = 'ready'"))!;
            await tx.CommitAsync();
            if (ready >= expected) return;
            if (DateTime.UtcNow > until) throw new TimeoutException($"only {ready}/{expected} documents were ingested");
            await Task.Delay(1000);
        }
    }

    private static readonly (string Question, string Answer)[] Exchanges =
    [
        ("How many days of paid leave do we get?",
         "Everyone has **28 days of paid leave** per year, plus public holidays [1]. For anything longer than three days, book it in the HR portal at least two weeks ahead [1]."),
        ("What are the core hours?",
         "Core hours are **10:00 to 16:00** local time [1]. Outside core hours you work when it suits you and your team [1]."),
        ("Which expenses are covered on a business trip?",
         "Travel is booked through the travel desk, and meals on business trips are covered up to **60 EUR per day** [1]. Submit receipts within 30 days [1]."),
        ("I lost my laptop, what do I do?",
         "Report it to **security@acme.test within one hour** [1]. Use the password manager for every work account and keep two-factor authentication on [1]."),
        ("Can I book leave next week for four days?",
         "Leave longer than three days should be booked **at least two weeks ahead** in the HR portal [1], so next week is short notice: ask your team lead."),
    ];

    private static async Task<Guid> ChatsAsync(NpgsqlConnection c, Guid workspaceId, Guid ownerId, int chats, int perChat)
    {
        await using var tx = await TenantSessionInterceptor.BeginAsync(c, DbSession.ForWorkspace(workspaceId, ownerId));
        // Real passages of the handbook, so a citation opens the passage it quotes.
        var citations = new List<string>();
        await using (var read = new NpgsqlCommand("""
            SELECT d.id, ch.id, d.title, ch.position, ch.content FROM tenant.document_chunks ch
            JOIN tenant.documents d ON d.workspace_id = ch.workspace_id AND d.id = ch.document_id
            WHERE d.title = 'Acme employee handbook' ORDER BY ch.position
            """, c, tx))
        await using (var r = await read.ExecuteReaderAsync())
            while (await r.ReadAsync())
                citations.Add(Citation.Serialize([new Citation(1, r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetInt32(3), r.GetString(4), 0.82)]));
        if (citations.Count == 0) citations.Add("[]");

        await using var cmd = new NpgsqlCommand("""
            INSERT INTO tenant.chats (workspace_id, id, user_id, title, title_is_custom, generation_status, active_leaf_id,
                is_pinned, is_archived, shared_with_workspace, updated_at, created_at)
            SELECT @w, md5(@w::text || 'chat' || ch)::uuid, @u, @questions[1 + ch % cardinality(@questions)], false, 'idle',
                   md5(@w::text || 'msg' || ch || '-' || (@per - 1))::uuid, ch % 37 = 5, false, false,
                   now() - ch * interval '3 hours', now() - ch * interval '3 hours' - interval '30 minutes'
            FROM generate_series(0, @chats - 1) AS ch;

            INSERT INTO tenant.messages (workspace_id, id, chat_id, parent_id, role, content, status, finish_reason, provider, model,
                input_tokens, output_tokens, cost_usd, first_token_ms, duration_ms, citations, attachments, updated_at, created_at)
            SELECT @w, md5(@w::text || 'msg' || ch || '-' || m)::uuid, md5(@w::text || 'chat' || ch)::uuid,
                   CASE WHEN m = 0 THEN NULL ELSE md5(@w::text || 'msg' || ch || '-' || (m - 1))::uuid END,
                   CASE WHEN m % 2 = 0 THEN 'user' ELSE 'assistant' END,
                   CASE WHEN m % 2 = 0 THEN @questions[1 + (ch + m / 2) % cardinality(@questions)]
                        ELSE @answers[1 + (ch + m / 2) % cardinality(@answers)] END,
                   'complete', CASE WHEN m % 2 = 1 THEN 'stop' END,
                   CASE WHEN m % 2 = 1 THEN 'openai' END, CASE WHEN m % 2 = 1 THEN 'gpt-4o-mini' END,
                   CASE WHEN m % 2 = 1 THEN 900 + m * 40 END, CASE WHEN m % 2 = 1 THEN 120 + m END,
                   CASE WHEN m % 2 = 1 THEN 0.0002 END, CASE WHEN m % 2 = 1 THEN 300 + m END, CASE WHEN m % 2 = 1 THEN 1800 + m * 10 END,
                   CASE WHEN m % 2 = 1 THEN @citations[1 + (ch + m) % cardinality(@citations)]::jsonb ELSE '[]'::jsonb END, '[]'::jsonb,
                   now() - ch * interval '3 hours' - (@per - m) * interval '1 minute',
                   now() - ch * interval '3 hours' - (@per - m) * interval '1 minute'
            FROM generate_series(0, @chats - 1) AS ch CROSS JOIN generate_series(0, @per - 1) AS m;
            """, c, tx);
        cmd.Parameters.AddWithValue("w", workspaceId);
        cmd.Parameters.AddWithValue("u", ownerId);
        cmd.Parameters.AddWithValue("chats", chats);
        cmd.Parameters.AddWithValue("per", perChat);
        cmd.Parameters.AddWithValue("questions", Exchanges.Select(e => e.Question).ToArray());
        cmd.Parameters.AddWithValue("answers", Exchanges.Select(e => e.Answer).ToArray());
        cmd.Parameters.AddWithValue("citations", NpgsqlDbType.Array | NpgsqlDbType.Text, citations.ToArray());
        await cmd.ExecuteNonQueryAsync();
        await tx.CommitAsync();
        await using var md5 = new NpgsqlCommand("SELECT md5(@w::text || 'chat' || 0)::uuid", c);
        md5.Parameters.AddWithValue("w", workspaceId);
        return (Guid)(await md5.ExecuteScalarAsync())!;
    }

    /// <summary>Before today only (today's rows belong to the ingestion's real embedding calls), then the writer's
    /// four rollups over them, as CostsBench builds them.</summary>
    private static async Task CostEventsAsync(NpgsqlConnection c, Guid workspaceId, Guid ownerId, int events, int chats)
    {
        await using var tx = await TenantSessionInterceptor.BeginAsync(c, DbSession.ForPlatformAdmin(Guid.Empty));
        await using var cmd = new NpgsqlCommand("""
            CREATE TEMP TABLE kinds (k int, service text, model text, in_price numeric, out_price numeric) ON COMMIT DROP;
            INSERT INTO kinds VALUES (0,'llm','gpt-4o',2.5,10),(1,'llm','gpt-4o-mini',0.15,0.6),(2,'llm','gpt-4.1',2,8),
                (3,'embedding','text-embedding-3-small',0.02,0),(4,'llm','gpt-4o-mini',0.15,0.6),(5,'llm','gpt-4o',2.5,10);
            CREATE TEMP TABLE seeded ON COMMIT DROP AS
            SELECT @w AS workspace_id, gen_random_uuid() AS id, @u AS user_id,
                   CASE WHEN k.service = 'llm' THEN md5(@w::text || 'chat' || (g % @chats))::uuid END AS chat_id,
                   k.service, 'openai' AS provider, k.model, CASE WHEN k.service = 'llm' THEN 'chat' ELSE 'embed' END AS operation,
                   t.input_tokens, t.output_tokens,
                   round((t.input_tokens * k.in_price + t.output_tokens * k.out_price) / 1000000.0, 6) AS cost_usd,
                   200 + (g % 1500) AS latency_ms, g % 50 <> 0 AS success,
                   date_trunc('day', now()) - interval '1 second' - random() * interval '89 days' AS occurred_at
            FROM generate_series(1::bigint, @events) AS g
            CROSS JOIN LATERAL (SELECT (g % 6) AS ki, 100 + (g * 7919) % 4000 AS input_tokens, (g * 104729) % 900 AS output_tokens) AS t
            JOIN kinds k ON k.k = t.ki;
            INSERT INTO main.cost_events (workspace_id, id, user_id, chat_id, service, provider, model, operation,
                input_tokens, output_tokens, cost_usd, latency_ms, success, occurred_at)
            SELECT workspace_id, id, user_id, chat_id, service, provider, model, operation,
                   input_tokens, output_tokens, cost_usd, latency_ms, success, occurred_at FROM seeded;
            INSERT INTO main.cost_summaries (workspace_id, granularity, period_start, service, provider, model, user_id, chat_id,
                event_count, failed_count, input_tokens, output_tokens, cost_usd, latency_ms_total, updated_at)
            SELECT workspace_id, 'hour', date_trunc('hour', occurred_at, 'UTC'), service, provider, model, NULL, NULL,
                   count(*), count(*) FILTER (WHERE NOT success), sum(input_tokens), sum(output_tokens), sum(cost_usd), sum(latency_ms), now()
            FROM seeded GROUP BY 1, 3, 4, 5, 6 ON CONFLICT DO NOTHING;
            INSERT INTO main.cost_summaries (workspace_id, granularity, period_start, service, provider, model, user_id, chat_id,
                event_count, failed_count, input_tokens, output_tokens, cost_usd, latency_ms_total, updated_at)
            SELECT workspace_id, 'day', date_trunc('day', occurred_at, 'UTC'), service, provider, model, NULL, NULL,
                   count(*), count(*) FILTER (WHERE NOT success), sum(input_tokens), sum(output_tokens), sum(cost_usd), sum(latency_ms), now()
            FROM seeded GROUP BY 1, 3, 4, 5, 6 ON CONFLICT DO NOTHING;
            INSERT INTO main.cost_summaries (workspace_id, granularity, period_start, service, provider, model, user_id, chat_id,
                event_count, failed_count, input_tokens, output_tokens, cost_usd, latency_ms_total, updated_at)
            SELECT workspace_id, 'user_day', date_trunc('day', occurred_at, 'UTC'), '*', '*', '*', user_id, NULL,
                   count(*), count(*) FILTER (WHERE NOT success), sum(input_tokens), sum(output_tokens), sum(cost_usd), sum(latency_ms), now()
            FROM seeded GROUP BY 1, 3, 7 ON CONFLICT DO NOTHING;
            INSERT INTO main.cost_summaries (workspace_id, granularity, period_start, service, provider, model, user_id, chat_id,
                event_count, failed_count, input_tokens, output_tokens, cost_usd, latency_ms_total, updated_at)
            SELECT workspace_id, 'chat_day', date_trunc('day', occurred_at, 'UTC'), '*', '*', '*', NULL, chat_id,
                   count(*), count(*) FILTER (WHERE NOT success), sum(input_tokens), sum(output_tokens), sum(cost_usd), sum(latency_ms), now()
            FROM seeded WHERE chat_id IS NOT NULL GROUP BY 1, 3, 8 ON CONFLICT DO NOTHING;
            """, c, tx);
        cmd.Parameters.AddWithValue("w", workspaceId);
        cmd.Parameters.AddWithValue("u", ownerId);
        cmd.Parameters.AddWithValue("events", events);
        cmd.Parameters.AddWithValue("chats", chats);
        await cmd.ExecuteNonQueryAsync();
        await tx.CommitAsync();
        foreach (var table in new[] { "main.cost_events", "main.cost_summaries", "tenant.messages", "tenant.chats", "tenant.documents", "tenant.document_chunks" })
        {
            await using var vacuum = new NpgsqlCommand($"VACUUM ANALYZE {table}", c) { CommandTimeout = 0 };
            await vacuum.ExecuteNonQueryAsync();
        }
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection c, NpgsqlTransaction? tx, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, c, tx);
        return await cmd.ExecuteScalarAsync();
    }
}
