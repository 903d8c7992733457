using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace FaceAspire.Cli.Import;

/// <summary>One accepted frame as the ingest API reports it.</summary>
public sealed record AcceptedFrame(Guid Id, string Status, bool Duplicate);

/// <summary>A frame's processing state from <c>GET /api/frames/{id}</c>.</summary>
public sealed record FrameState(string Status, int Faces, string? Error);

/// <summary>
/// The ingest API over HTTP (<c>POST /api/frames</c> multipart, <c>GET /api/frames/{id}</c>) with the
/// <c>X-Api-Key</c> header. Transient failures (connection errors, 5xx, 429) are retried with exponential backoff;
/// 4xx answers are the file's fault and are returned as <see cref="IngestRejectedException"/>.
/// </summary>
public sealed class IngestClient(HttpClient http, string apiKey) : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Finds the API URL and key: explicit values, env FACEASPIRE_API / FACEASPIRE_API_KEY, then .run/endpoints.json written by the AppHost.</summary>
    /// <exception cref="UsageException">Neither is known.</exception>
    public static IngestClient Create(string? api, string? key)
    {
        var (url, apiKey) = ResolveEndpoint(api, key);
        return new IngestClient(new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromMinutes(2) }, apiKey);
    }

    /// <summary>The API base URL (ending in /) and key, found as <see cref="Create"/> describes.</summary>
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

    /// <summary>Posts one file with its source, capture-time hint and original path.</summary>
    /// <exception cref="IngestRejectedException">The API refused the file (4xx), with its ProblemDetails text.</exception>
    public async Task<AcceptedFrame> PostAsync(string path, string? source, CancellationToken ct)
    {
        var bytes = await File.ReadAllBytesAsync(path, ct);
        using var response = await SendWithRetryAsync(() =>
        {
            var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(bytes);
            file.Headers.ContentType = new MediaTypeHeaderValue(Path.GetExtension(path).ToLowerInvariant() == ".png" ? "image/png" : "image/jpeg");
            form.Add(file, "file", Path.GetFileName(path));
            if (source is not null) form.Add(new StringContent(source), "source");
            form.Add(new StringContent(path), "path");
            form.Add(new StringContent(File.GetLastWriteTimeUtc(path).ToString("O")), "timestamp");
            return new HttpRequestMessage(HttpMethod.Post, "api/frames") { Content = form };
        }, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) throw new IngestRejectedException((int)response.StatusCode, ProblemText(body));
        using var doc = JsonDocument.Parse(body);
        var first = doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement[0] : doc.RootElement;
        if (first.TryGetProperty("frames", out var frames)) first = frames[0];
        return new AcceptedFrame(first.GetProperty("id").GetGuid(), first.TryGetProperty("status", out var s) ? s.GetString() ?? "" : "",
            first.TryGetProperty("duplicate", out var d) && d.ValueKind == JsonValueKind.True);
    }

    /// <summary>Reads a frame's status and face count.</summary>
    public async Task<FrameState> GetAsync(Guid id, CancellationToken ct)
    {
        using var response = await SendWithRetryAsync(() => new HttpRequestMessage(HttpMethod.Get, $"api/frames/{id}"), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode) throw new IngestRejectedException((int)response.StatusCode, ProblemText(body));
        using var doc = JsonDocument.Parse(body);
        var root = doc.RootElement;
        int faces = root.TryGetProperty("faces", out var f) && f.ValueKind == JsonValueKind.Array ? f.GetArrayLength() : 0;
        return new FrameState(root.GetProperty("status").GetString() ?? "", faces, root.TryGetProperty("error", out var e) ? e.GetString() : null);
    }

    private async Task<HttpResponseMessage> SendWithRetryAsync(Func<HttpRequestMessage> request, CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                using var message = request();
                message.Headers.Add("X-Api-Key", apiKey);
                var response = await http.SendAsync(message, ct);
                bool transient = (int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests;
                if (!transient || attempt >= 5) return response;
                response.Dispose();
            }
            catch (HttpRequestException) when (attempt < 5) { }
            await Task.Delay(TimeSpan.FromMilliseconds(250 * Math.Pow(2, attempt - 1)), ct);
        }
    }

    private static string ProblemText(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var r = doc.RootElement;
            return string.Join(": ", new[] { "title", "detail" }.Select(k => r.TryGetProperty(k, out var v) ? v.GetString() : null).Where(v => !string.IsNullOrEmpty(v)));
        }
        catch (JsonException) { return body.Length > 200 ? body[..200] : body; }
    }

    /// <summary>Disposes the HTTP client.</summary>
    public void Dispose() => http.Dispose();
}

/// <summary>The API refused a file (a 4xx answer): not retried, reported in the summary.</summary>
public sealed class IngestRejectedException(int status, string message) : Exception($"HTTP {status}: {message}")
{
    /// <summary>The HTTP status code.</summary>
    public int Status { get; } = status;
}
