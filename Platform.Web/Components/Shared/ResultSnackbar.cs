using MudBlazor;

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
