using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace FaceAspire.Admin.Services;

/// <summary>A face the Api returned for a webcam frame. Box in pixels of the posted image.</summary>
public sealed record WebcamFace(float X, float Y, float W, float H, Guid? PersonId, string? Emotion, float Confidence,
    IReadOnlyDictionary<string, double>? Scores = null);

/// <summary>The Api's answer for one webcam frame: its id, final status and faces (empty unless done).</summary>
public sealed record WebcamResult(Guid FrameId, string Status, string? Error, IReadOnlyList<WebcamFace> Faces);

/// <summary>Thrown when the Api is not configured, unreachable, or rejects a frame; the message says which.</summary>
public sealed class IngestUnavailableException(string message) : Exception(message);

/// <summary>
/// Forwards webcam frames to the ingest Api (<c>services:api:http:0</c>): <c>POST /api/frames</c> with the raw
/// JPEG body and the admin's key (<see cref="AdminOptions.ApiKey"/>) in <c>X-Api-Key</c>, then polls
/// <c>GET /api/frames/{id}</c> until the frame is <c>done</c> or <c>failed</c>, or the wait runs out.
/// </summary>
public sealed class IngestClient(HttpClient http, IOptions<AdminOptions> options)
{
    /// <summary>Posts one image and waits for its analysis.</summary>
    /// <param name="image">Encoded image (JPEG or PNG).</param>
    /// <param name="contentType"><c>image/jpeg</c> or <c>image/png</c>.</param>
    /// <param name="source">Source name stored with the frame.</param>
    /// <param name="wait">Longest wait for the analysis; the last status is returned when it runs out.</param>
    /// <param name="ct">Cancels.</param>
    /// <exception cref="IngestUnavailableException">No Api URL or key configured, or the Api refused the frame.</exception>
    public async Task<WebcamResult> PostAndWaitAsync(byte[] image, string contentType, string source, TimeSpan wait, CancellationToken ct)
    {
        if (http.BaseAddress is null)
            throw new IngestUnavailableException("The ingest Api is not configured (services:api:http:0).");
        if (string.IsNullOrEmpty(options.Value.ApiKey))
            throw new IngestUnavailableException("No API key is configured for the admin (Admin:ApiKey).");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/frames?source={Uri.EscapeDataString(source)}")
        {
            Content = new ByteArrayContent(image) { Headers = { ContentType = new MediaTypeHeaderValue(contentType) } },
        };
        request.Headers.Add("X-Api-Key", options.Value.ApiKey);
        JsonNode? posted;
        try
        {
            using var response = await http.SendAsync(request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
                throw new IngestUnavailableException($"The Api answered {(int)response.StatusCode}: {Truncate(body)}");
            posted = JsonNode.Parse(body);
        }
        catch (HttpRequestException e)
        {
            throw new IngestUnavailableException($"The Api is not reachable: {e.Message}");
        }
        // One image → one accepted frame; the Api may wrap it in an array or a "frames" list.
        var accepted = posted is JsonArray a ? a[0] : posted?["frames"] is JsonArray f ? f[0] : posted;
        var id = Guid.Parse(accepted?["id"]?.GetValue<string>() ?? throw new IngestUnavailableException("The Api returned no frame id."));
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            var frame = await GetFrameAsync(id, ct);
            var status = frame?["status"]?.GetValue<string>() ?? "queued";
            if (status is "done" or "failed" || DateTime.UtcNow >= deadline)
                return new WebcamResult(id, status, frame?["error"]?.GetValue<string>(), ReadFaces(frame));
            await Task.Delay(100, ct);
        }
    }

    private async Task<JsonNode?> GetFrameAsync(Guid id, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/frames/{id}");
        request.Headers.Add("X-Api-Key", options.Value.ApiKey);
        using var response = await http.SendAsync(request, ct);
        return response.IsSuccessStatusCode ? JsonNode.Parse(await response.Content.ReadAsStringAsync(ct)) : null;
    }

    private static List<WebcamFace> ReadFaces(JsonNode? frame)
    {
        var faces = new List<WebcamFace>();
        if (frame?["faces"] is not JsonArray array)
            return faces;
        foreach (var face in array)
        {
            if (face is null)
                continue;
            var box = face["box"] ?? face;
            var emotion = face["emotion"];
            string? label = emotion is JsonObject ? emotion["dominant"]?.GetValue<string>() : emotion?.GetValue<string>();
            var confidence = (emotion is JsonObject ? emotion["confidence"] : face["confidence"])?.GetValue<float>() ?? 0f;
            var person = face["personId"]?.GetValue<string>();
            // The seven probabilities (0–1), for the engagement score the page shows.
            var scores = (emotion as JsonObject)?["scores"] is JsonObject s
                ? s.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value!.GetValue<double>())
                : null;
            faces.Add(new WebcamFace(Num(box["x"]), Num(box["y"]), Num(box["w"]), Num(box["h"]),
                person is null ? null : Guid.Parse(person), label, confidence, scores));
        }
        return faces;
    }

    private static float Num(JsonNode? node) => node?.GetValue<float>() ?? 0f;

    private static string Truncate(string s) => s.Length <= 300 ? s : s[..300] + "…";
}
