namespace Platform.Data.Tenancy;

/// <summary>
/// A write that would put, change or remove a row of a workspace other than the one the unit of work is bound to.
/// Always a bug in the calling code (row-level security would refuse the same write): thrown before anything is
/// sent, so it also holds where RLS does not (a role that bypasses it, a policy dropped by mistake). Deliberately
/// not an <see cref="InvalidOperationException"/>, which some callers catch as an expected database failure.
/// </summary>
public sealed class CrossWorkspaceWriteException(string message) : Exception(message);
