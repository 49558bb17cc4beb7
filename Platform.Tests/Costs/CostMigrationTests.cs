using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using Platform.Data.Main;
using Platform.Data.Tenancy;
using Platform.Tests.Infrastructure;

namespace Platform.Tests.Costs;

/// <summary>An install from before CostRollupGrains: its cost events and usage logs become partitions of the new
/// tables without being copied, and every rollup grain is rebuilt from them.</summary>
public class CostMigrationTests
{
    [Fact]
    public async Task An_existing_install_keeps_its_bills_in_a_legacy_partition_and_gets_every_rollup_rebuilt()
    {
        var database = await TestDatabases.CreateAsync("costmig");
        try
        {
            await using var source = NpgsqlDataSource.Create(TestDatabases.Owner(database));
            await using (var db = new MainDbContext(DbContextOptionsFactory.Main(source)))
            {
                var all = db.Database.GetMigrations().ToList();
                var previous = all[all.FindIndex(m => m.EndsWith("_CostRollupGrains")) - 1];
                await db.GetService<IMigrator>().MigrateAsync(previous);
            }

            var now = DateTimeOffset.UtcNow;
            var thisMonth = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
            var (ws, user, chat) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
            await using (var c = await source.OpenConnectionAsync())
            await using (var seed = new NpgsqlCommand("""
                INSERT INTO main.workspaces (id, name, slug, plan, data_placement, status, settings, created_at)
                VALUES (@w, 'Old', 'old', 'Free', 'Platform', 'Active', '{}', now());
                INSERT INTO main.cost_events (workspace_id, id, user_id, chat_id, service, provider, model, input_tokens, output_tokens,
                    cost_usd, latency_ms, success, occurred_at) VALUES
                    (@w, gen_random_uuid(), @u, @c, 'llm', 'openai', 'gpt-4o', 100, 50, 0.250000, 10, true, @old),
                    (@w, gen_random_uuid(), NULL, @c, 'llm', 'openai', 'gpt-4o', 100, 50, 0.125000, 10, false, @old),
                    (@w, gen_random_uuid(), @u, NULL, 'embedding', 'openai', 'text-embedding-3-small', 900, 0, 0.001000, 10, true, @recent);
                INSERT INTO main.usage_logs (workspace_id, id, user_id, usage_type, credits_consumed, success, created_at)
                VALUES (@w, gen_random_uuid(), @u, 'message', 1, true, @old);
                """, c))
            {
                seed.Parameters.AddWithValue("w", ws);
                seed.Parameters.AddWithValue("u", user);
                seed.Parameters.AddWithValue("c", chat);
                seed.Parameters.AddWithValue("old", thisMonth.AddMonths(-2).AddDays(4));
                seed.Parameters.AddWithValue("recent", now.AddMinutes(-1));
                await seed.ExecuteNonQueryAsync();
            }

            await using (var db = new MainDbContext(DbContextOptionsFactory.Main(source)))
                await db.Database.MigrateAsync();

            await using var check = await source.OpenConnectionAsync();
            async Task<string> Scalar(string sql)
            {
                await using var cmd = new NpgsqlCommand(sql, check);
                return Convert.ToString(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture)!;
            }
            // The old tables are now partitions spanning the months they held through this month; months ahead exist.
            Assert.Equal("cost_events_legacy", await Scalar(
                $"SELECT partition_name FROM main.partition_bounds('cost_events') WHERE lower_bound = '{thisMonth.AddMonths(-2):O}'"));
            Assert.Equal("usage_logs_legacy", await Scalar(
                $"SELECT partition_name FROM main.partition_bounds('usage_logs') WHERE upper_bound = '{thisMonth.AddMonths(1):O}'"));
            Assert.Equal("1", await Scalar($"SELECT count(*) FROM main.partition_bounds('cost_events') WHERE lower_bound = '{thisMonth.AddMonths(3):O}'"));
            Assert.Equal("3", await Scalar("SELECT count(*) FROM main.cost_events"));
            Assert.Equal("1", await Scalar("SELECT count(*) FROM main.usage_logs"));

            // Every grain rebuilt from the raw events.
            Assert.Equal("3|0.376000|1", await Scalar("SELECT sum(event_count) || '|' || sum(cost_usd) || '|' || sum(failed_count) FROM main.cost_rollup_days"));
            Assert.Equal("3", await Scalar("SELECT count(*) FROM main.cost_rollup_user_days")); // old day: the user and no user; today: the user
            Assert.Equal("0.376000", await Scalar("SELECT sum(cost_usd) FROM main.cost_rollup_workspace_days"));
            Assert.Equal("", await Scalar("SELECT sum(cost_usd) FROM main.cost_rollup_platform_days")); // platform admins only
            await Scalar("SELECT set_config('app.platform_admin', 'on', false)");
            Assert.Equal("0.376000", await Scalar("SELECT sum(cost_usd) FROM main.cost_rollup_platform_days"));
            Assert.Equal("2|0.375000", await Scalar("SELECT event_count || '|' || cost_usd FROM main.cost_chat_totals"));
            Assert.Equal("1", await Scalar("SELECT sum(event_count) FROM main.cost_rollup_hours"));
            Assert.Equal("0", await Scalar("SELECT count(*) FROM pg_class WHERE relname = 'cost_summaries'"));

            // The bill is still append-only on the new table.
            var e = await Assert.ThrowsAsync<PostgresException>(() => Scalar("DELETE FROM main.cost_events"));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, e.SqlState);
        }
        finally
        {
            await TestDatabases.DropAsync(database);
        }
    }
}
