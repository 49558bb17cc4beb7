namespace Platform.Web.Features.Workspaces;

/// <summary>The outcome of a workspace operation a person asked for. Expected failures (no permission, last
/// owner, expired invite …) come back here with a message to show, never as exceptions in the circuit.</summary>
public record WorkspaceResult(string? Error)
{
    public bool Ok => Error is null;
    public static readonly WorkspaceResult Success = new((string?)null);
    public static WorkspaceResult Fail(string error) => new(error);
}

public sealed record WorkspaceResult<T>(T? Value, string? Error) : WorkspaceResult(Error)
{
    public static WorkspaceResult<T> Of(T value) => new(value, null);
    public static new WorkspaceResult<T> Fail(string error) => new(default, error);
    public static implicit operator WorkspaceResult<T>(T value) => Of(value);
}
