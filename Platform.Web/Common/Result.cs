namespace Platform.Web;

/// <summary>What kind of expected failure a <see cref="Result"/> carries: the UI shows every kind the same way (its
/// message); the HTTP API maps each kind to one status code.</summary>
public enum FailureKind
{
    /// <summary>The input can't be accepted as given (validation, a rule of the domain).</summary>
    Invalid,
    /// <summary>The thing asked for does not exist here (or is not visible to this caller).</summary>
    NotFound,
    /// <summary>The caller may not do this: no permission, no longer a member, workspace suspended.</summary>
    Forbidden,
    /// <summary>The current state doesn't allow it (busy, already exists, last owner …).</summary>
    Conflict,
    /// <summary>A budget, credit or rate limit was reached.</summary>
    LimitReached,
    /// <summary>A dependency (a database, a provider) can't be reached right now; trying later may work.</summary>
    Unavailable,
}

/// <summary>An expected failure: its kind and a message fit to show to the person (never raw exception text).</summary>
public sealed record Failure(FailureKind Kind, string Message)
{
    public static Failure Invalid(string message) => new(FailureKind.Invalid, message);
    public static Failure NotFound(string message) => new(FailureKind.NotFound, message);
    public static Failure Forbidden(string message) => new(FailureKind.Forbidden, message);
    public static Failure Conflict(string message) => new(FailureKind.Conflict, message);
    public static Failure LimitReached(string message) => new(FailureKind.LimitReached, message);
    public static Failure Unavailable(string message) => new(FailureKind.Unavailable, message);
}

/// <summary>
/// The one shape of an operation's outcome that may fail in an expected way (see ADR-001): <see cref="Ok"/>, or a
/// <see cref="Failure"/> with a message to show. Exceptions are for bugs. Services return it; components show
/// <see cref="Error"/>; the API turns <see cref="Failure"/> into problem details.
/// </summary>
public record Result(Failure? Failure)
{
    public bool Ok => Failure is null;

    /// <summary>The message to show, or null when it worked.</summary>
    public string? Error => Failure?.Message;

    public static readonly Result Success = new((Failure?)null);

    /// <summary>An <see cref="FailureKind.Invalid"/> failure, the common case; use <see cref="Failure"/>'s
    /// factories for the other kinds.</summary>
    public static Result Fail(string message) => new(Failure.Invalid(message));

    public static implicit operator Result(Failure failure) => new(failure);
}

/// <summary>A <see cref="Result"/> carrying a value when it worked.</summary>
public sealed record Result<T>(T? Value, Failure? Failure) : Result(Failure)
{
    public static Result<T> Of(T value) => new(value, null);
    public static new Result<T> Fail(string message) => new(default, Failure.Invalid(message));
    public static implicit operator Result<T>(T value) => Of(value);
    public static implicit operator Result<T>(Failure failure) => new(default, failure);
}
