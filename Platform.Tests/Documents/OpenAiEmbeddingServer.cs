using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.Tests.Documents;

/// <summary>
/// A real HTTP server on 127.0.0.1 speaking OpenAI's POST /v1/embeddings. The model name picks the behaviour:
/// "good" answers (deterministic vectors, usage), "down" 500, "locked" 401, "slow" never in time, "short" 8 dims.
/// </summary>
public sealed class OpenAiEmbeddingServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    public string BaseUrl { get; }
    public List<JsonObject> Requests { get; } = [];

    private OpenAiEmbeddingServer(WebApplication app, string baseUrl) => (_app, BaseUrl) = (app, baseUrl);

    public static async Task<OpenAiEmbeddingServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        OpenAiEmbeddingServer? server = null;
        app.MapPost("/v1/embeddings", async (HttpContext http) =>
        {
            var body = (await JsonNode.ParseAsync(http.Request.Body))!.AsObject();
            lock (server!.Requests) server.Requests.Add(body);
            var model = body["model"]!.GetValue<string>();
            var inputs = body["input"] is JsonArray arr ? arr.Select(n => n!.GetValue<string>()).ToList() : [body["input"]!.GetValue<string>()];
            switch (model)
            {
                case "down": return Results.Json(Error("server_error", "upstream exploded"), statusCode: 500);
                case "locked": return Results.Json(Error("invalid_api_key", "Incorrect API key provided"), statusCode: 401);
                case "slow": await Task.Delay(TimeSpan.FromSeconds(30), http.RequestAborted); return Results.Ok();
            }
            var dims = model == "short" ? 8 : body["dimensions"]?.GetValue<int>() ?? 1536;
            var data = inputs.Select((text, i) => new
            {
                @object = "embedding", index = i,
                embedding = Enumerable.Range(0, dims).Select(d => (float)Math.Sin(text.Length + d)).ToArray(),
            });
            return Results.Json(new { @object = "list", data, model, usage = new { prompt_tokens = inputs.Sum(t => t.Length), total_tokens = inputs.Sum(t => t.Length) } });
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new OpenAiEmbeddingServer(app, address + "/v1");
        return server;
    }

    private static object Error(string code, string message) => new { error = new { message, type = code, code } };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
