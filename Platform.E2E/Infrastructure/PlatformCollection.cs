namespace Platform.E2E.Infrastructure;

/// <summary>One app process and one Chromium shared by every journey in the collection.</summary>
[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<AppServer>, ICollectionFixture<Browser>
{
    public const string Name = "platform";
}
