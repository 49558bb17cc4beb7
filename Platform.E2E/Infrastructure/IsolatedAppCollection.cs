namespace Platform.E2E.Infrastructure;

/// <summary>A second app process with a database of its own, for journeys that need a pristine demo workspace
/// (e.g. an empty cost dashboard) which the shared collection's other journeys would have used.</summary>
[CollectionDefinition(Name)]
public sealed class IsolatedAppCollection : ICollectionFixture<AppServer>, ICollectionFixture<Browser>
{
    public const string Name = "isolated-app";
}
