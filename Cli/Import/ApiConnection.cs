using System.Text.Json;
using FaceAspire.ApiClient;
using Microsoft.Extensions.DependencyInjection;

namespace FaceAspire.Cli.Import;

/// <summary>How the CLI reaches the Api: the shared <see cref="FaceAspireApiClient"/> with the standard resilience
/// handler (retries with backoff on connection errors, 5xx, 408 and 429, honouring Retry-After).</summary>
public static class ApiConnection
{
    /// <summary>Finds the API URL and key: explicit values, env FACEASPIRE_API / FACEASPIRE_API_KEY, then
    /// <c>.run/endpoints.json</c> written by the AppHost (searched from the working directory upwards).</summary>
    /// <returns>The API base URL (ending in /) and key.</returns>
    /// <exception cref="UsageException">Neither is known.</exception>
    public static (Uri Url, string Key) ResolveEndpoint(string? api, string? key)
    {
        api ??= Environment.GetEnvironmentVariable("FACEASPIRE_API");
        key ??= Environment.GetEnvironmentVariable("FACEASPIRE_API_KEY");
        if (api is null || key is null)
        {
            for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            {
                var file = Path.Combine(dir.FullName, ".run", "endpoints.json");
                if (!File.Exists(file)) continue;
                using var doc = JsonDocument.Parse(File.ReadAllText(file));
                api ??= doc.RootElement.GetProperty("api").GetString();
                key ??= doc.RootElement.GetProperty("apiKey").GetString();
                break;
            }
        }
        if (api is null || key is null)
            throw new UsageException("No API given: pass --api URL --key KEY, set FACEASPIRE_API/FACEASPIRE_API_KEY, or run the AppHost (it writes .run/endpoints.json).");
        return (new Uri(api.TrimEnd('/') + "/"), key);
    }

    /// <summary>A service provider holding a <see cref="FaceAspireApiClient"/> for the endpoint
    /// <see cref="ResolveEndpoint"/> finds; dispose it when done.</summary>
    /// <exception cref="UsageException">No endpoint is known.</exception>
    public static ServiceProvider Connect(string? api, string? key)
    {
        var (url, apiKey) = ResolveEndpoint(api, key);
        var services = new ServiceCollection();
        services.AddFaceAspireApiClient(o =>
        {
            o.BaseAddress = url;
            o.ApiKey = apiKey;
        }).AddStandardResilienceHandler();
        return services.BuildServiceProvider();
    }
}
