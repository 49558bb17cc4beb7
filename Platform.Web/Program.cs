using Platform.Data;
using Platform.Web.Hosting;
using Platform.Web.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddPlatformConfiguration(builder.Environment);

builder.Services.AddPlatformData(builder.Configuration);
builder.Services.AddPlatformIdentity(builder.Configuration);
if (!builder.Services.AddPlatformKeyProtection(builder.Configuration, builder.Environment)) return 2;
builder.Services.AddPlatformUi();
builder.Services.AddPlatformResponseHardening(builder.Configuration);
builder.Services.AddPlatformFeatures(builder.Configuration);

var app = builder.Build();

// `Platform.Web migrate`: apply migrations as the owner role and exit (./platform migrate).
if (!await app.PreparePlatformDatabaseAsync(migrateOnly: args.Contains("migrate"))) return 2;
if (args.Contains("migrate")) return 0;

app.UsePlatformResponseHardening();
app.UsePlatformPipeline();
await app.RunAsync();
return 0;
