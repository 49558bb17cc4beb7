using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Platform.Data.Text;

/// <summary>
/// Cleans every string (and list of strings) an entity is about to write with <see cref="PostgresText.Clean"/>,
/// for both contexts, so no feature has to remember it: one NUL in a chat message, a document name or a tag
/// would otherwise make the whole save fail. Bulk updates (ExecuteUpdate) and raw SQL/COPY bypass interceptors;
/// their callers clean the text themselves.
/// </summary>
public sealed class PostgresTextInterceptor : SaveChangesInterceptor
{
    public static readonly PostgresTextInterceptor Instance = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is { } context) Clean(context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is { } context) Clean(context);
        return ValueTask.FromResult(result);
    }

    private static void Clean(DbContext context)
    {
        context.ChangeTracker.DetectChanges();
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified)) continue;
            foreach (var property in entry.Properties) Clean(property);
        }
    }

    private static void Clean(PropertyEntry property)
    {
        switch (property.CurrentValue)
        {
            case string text when !PostgresText.IsClean(text):
                property.CurrentValue = PostgresText.Clean(text);
                break;
            case List<string> list when !list.TrueForAll(PostgresText.IsClean):
                property.CurrentValue = list.Select(PostgresText.Clean).ToList();
                break;
            case string[] array when !Array.TrueForAll(array, PostgresText.IsClean):
                property.CurrentValue = array.Select(PostgresText.Clean).ToArray();
                break;
        }
    }
}
