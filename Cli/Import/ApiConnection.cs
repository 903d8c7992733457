using System.CommandLine;
using System.CommandLine.Parsing;
using System.Text.Json;
using FaceAspire.ApiClient;
using Microsoft.Extensions.DependencyInjection;

namespace FaceAspire.Cli.Import;

/// <summary>How the CLI reaches the Api: <c>--api URL --key KEY</c>, else env FACEASPIRE_API / FACEASPIRE_API_KEY,
/// else <c>.run/endpoints.json</c> written by the AppHost (searched from the working directory upwards); then the shared
/// <see cref="FaceAspireApiClient"/> with the standard resilience handler (retries with backoff on connection errors,
/// 5xx, 408 and 429, honouring Retry-After, and through an open circuit: <see cref="ApiResilience"/>).</summary>
public sealed class ApiConnection
{
    /// <summary><c>--api URL</c>: the Api's base URL, an absolute http(s) URL.</summary>
    public Option<string?> Api { get; } = new("--api")
    {
        Description = "The Api's base URL [default: env FACEASPIRE_API, else api in .run/endpoints.json]",
        HelpName = "URL",
        Validators = { r => { if (r.Tokens.Count == 1 && !IsHttpUrl(r.Tokens[0].Value)) r.AddError($"--api must be an absolute http(s) URL, got '{r.Tokens[0].Value}'."); } },
    };

    /// <summary><c>--key KEY</c>: the API key sent as X-Api-Key.</summary>
    public Option<string?> Key { get; } = new("--key")
    {
        Description = "API key [default: env FACEASPIRE_API_KEY, else apiKey in .run/endpoints.json]",
        HelpName = "KEY",
    };

    /// <summary>Adds <see cref="Api"/> and <see cref="Key"/> to <paramref name="command"/>, and the check that an
    /// endpoint is known (a usage error otherwise).</summary>
    public void AddTo(Command command)
    {
        command.Add(Api);
        command.Add(Key);
        command.Validators.Add(r =>
        {
            // A malformed --api is the option's own error; this one is for an endpoint nobody gave.
            if ((r.GetValue(Api) is not { } url || IsHttpUrl(url)) && Resolve(r.GetValue(Api), r.GetValue(Key)) is null)
                r.AddError("No API given: pass --api URL --key KEY, set FACEASPIRE_API/FACEASPIRE_API_KEY, or run the AppHost (it writes .run/endpoints.json).");
        });
    }

    /// <summary>A service provider holding a <see cref="FaceAspireApiClient"/> for the endpoint the command line
    /// (or the environment, or the endpoints file) names; dispose it when done.</summary>
    /// <exception cref="InvalidOperationException">No endpoint is known (commands that call <see cref="AddTo"/> have
    /// reported that as a usage error already).</exception>
    public ServiceProvider Connect(ParseResult result)
    {
        var (url, apiKey) = Resolve(result.GetValue(Api), result.GetValue(Key))
            ?? throw new InvalidOperationException("No API endpoint is known.");
        var services = new ServiceCollection();
        services.AddFaceAspireApiClient(o =>
        {
            o.BaseAddress = url;
            o.ApiKey = apiKey;
        }).AddApiResilience();
        return services.BuildServiceProvider();
    }

    /// <summary>The API base URL (ending in /) and key: explicit values, then the environment, then
    /// <c>.run/endpoints.json</c>; null when either stays unknown.</summary>
    public static (Uri Url, string Key)? Resolve(string? api, string? key)
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
        return api is null || key is null || !IsHttpUrl(api) ? null : (new Uri(api.TrimEnd('/') + "/"), key);
    }

    private static bool IsHttpUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
