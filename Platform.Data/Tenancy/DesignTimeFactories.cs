using Microsoft.EntityFrameworkCore.Design;
using Platform.Data.Main;
using Platform.Data.Tenant;

namespace Platform.Data.Tenancy;

// Used only by `dotnet ef migrations add`, which builds the model and never connects.
internal sealed class MainDesignTimeFactory : IDesignTimeDbContextFactory<MainDbContext>
{
    public MainDbContext CreateDbContext(string[] args) =>
        new(DbContextOptionsFactory.Main(DataSourceRegistry.Build("Host=localhost;Database=design")));
}

internal sealed class TenantDesignTimeFactory : IDesignTimeDbContextFactory<TenantDbContext>
{
    public TenantDbContext CreateDbContext(string[] args) =>
        new(DbContextOptionsFactory.Tenant(DataSourceRegistry.Build("Host=localhost;Database=design")));
}
