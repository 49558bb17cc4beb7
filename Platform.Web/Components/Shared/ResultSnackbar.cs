using MudBlazor;
using Platform.Web.Features.Workspaces;

namespace Platform.Web.Components.Shared;

/// <summary>The one way a component shows a service's <see cref="Result"/>: a failure as a warning with its
/// message (an unreachable dependency as an error), success as the given message when there is one.</summary>
public static class ResultSnackbar
{
    /// <returns>Whether the result was a success, so a caller can go on only then.</returns>
    public static bool Show(this ISnackbar snackbar, Result result, string? success = null)
    {
        if (result.Failure is { } failure)
        {
            snackbar.Add(failure.Message, failure.Kind == FailureKind.Unavailable ? Severity.Error : Severity.Warning);
            return false;
        }
        if (success is not null) snackbar.Add(success, Severity.Success);
        return true;
    }
}

/// <summary>
/// What a component shows when a call failed in a way no <see cref="Result"/> describes (the database went away, a
/// provider broke): a plain sentence, never the exception's text (it can carry server names, SQL or file paths).
/// The exception itself goes to the log.
/// </summary>
public static class UnexpectedFailure
{
    public static string Describe(Exception e) => e switch
    {
        WorkspaceAccessDeniedException denied => denied.Message, // worded for the person by design
        Npgsql.NpgsqlException or TimeoutException => "The database did not answer. Try again in a moment.",
        OperationCanceledException => "That took too long and was stopped. Try again.",
        _ => "Something went wrong on our side. Try again; if it keeps happening, tell your administrator.",
    };

    /// <summary>Logs <paramref name="e"/> and shows "<paramref name="what"/>: <see cref="Describe"/>" as an error.</summary>
    public static void ShowUnexpected(this ISnackbar snackbar, string what, Exception e, ILogger logger)
    {
        logger.LogWarning(e, "{What}", what);
        snackbar.Add($"{what}: {Describe(e)}", Severity.Error);
    }
}
