using FaceAspire.Api.OpenApi;
using FaceAspire.Core.Data.Entities;
using FaceAspire.Api.Auth;
using FaceAspire.ApiClient.Contracts;
using System.Text.Json;
using FaceAspire.Api.Ingest;
using FaceAspire.Api.Mood;
using FaceAspire.Core.Contracts;
using FaceAspire.Core.Data;
using FaceAspire.Core.Engagement;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FaceAspire.Api.Apis;

/// <summary>The learner-mood (engagement) API: <c>/api/analyze-mood</c>, <c>/api/batch-analyze-mood</c>, <c>/api/sessions</c>.</summary>
public static class MoodApi
{
    /// <summary>Maps the three routes (API key required).</summary>
    public static IEndpointRouteBuilder MapMoodApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Mood").RequireAuthorization();
        api.MapPost("/analyze-mood", AnalyzeMood)
            .RequireScope(ApiKeyScopes.Ingest)
            .WithName("AnalyzeMood")
            .WithSummary("Emotion, engagement score/status and recommendations for the largest face of one image")
            .WithDescription("JSON {image: base64 or data URL, timestamp?, session?}; answered synchronously by a worker. " +
                             "400 no/invalid image, 422 no face or face too small (success:false), 503 no worker answered.")
            .AddOpenApiOperationTransformer(JsonBodyOpenApi.Describe<MoodRequest>("The image and optional capture time and session."))
            .Produces<MoodDto>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .DisableAntiforgery();
        api.MapPost("/batch-analyze-mood", BatchAnalyzeMood)
            .RequireScope(ApiKeyScopes.Ingest)
            .WithName("BatchAnalyzeMood")
            .WithSummary("Mood of N frames (sent as N concurrent requests over the workers) with a summary")
            .WithDescription("JSON {frames: [{image, timestamp?}], session?}.")
            .AddOpenApiOperationTransformer(JsonBodyOpenApi.Describe<BatchMoodRequest>("The frames and an optional session."))
            .Produces<BatchDto>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .DisableAntiforgery();
        api.MapGet("/sessions/{id}/engagement", GetSessionEngagement)
            .RequireScope(ApiKeyScopes.Read)
            .WithName("GetSessionEngagement")
            .WithSummary("A session's stored mood timeline with an exponential moving average of the engagement score")
            .Produces<SessionEngagementDto>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>200 mood; 400/413/415/422/503 ProblemDetails (422 and 503 carry <c>success: false</c>).</summary>
    public static async Task<Results<JsonHttpResult<MoodDto>, ProblemHttpResult>> AnalyzeMood(HttpRequest request, MoodService mood,
        FrameValidator validator, IOptions<ApiOptions> api, CancellationToken cancellationToken)
    {
        try
        {
            using var body = await ReadJsonAsync(request, cancellationToken);
            var root = body.RootElement;
            var image = MoodService.DecodeImage(GetString(root, "image"), "JSON body", validator, api.Value);
            var timestamp = root.TryGetProperty("timestamp", out var t) ? Timestamps.Parse(t, "timestamp") : null;
            var session = Session(root);
            var outcome = await mood.AnalyzeAsync(image, timestamp, cancellationToken);
            if (outcome.Result is null)
                return Problem(outcome);
            if (session is not null)
                await mood.StoreAsync(session, [outcome.Result], cancellationToken);
            return TypedResults.Json(outcome.Result);
        }
        catch (ApiProblemException e)
        {
            return TypedResults.Problem(e.Message, statusCode: e.Status, title: e.Title,
                extensions: new Dictionary<string, object?> { ["success"] = false, ["message"] = e.Message });
        }
    }

    /// <summary>200 summary + per-frame results (a frame's failure is reported in its entry); 400/413 for a bad envelope.</summary>
    public static async Task<Results<JsonHttpResult<BatchDto>, ProblemHttpResult>> BatchAnalyzeMood(HttpRequest request, MoodService mood,
        FrameValidator validator, IOptions<ApiOptions> api, IOptions<MoodOptions> options, CancellationToken cancellationToken)
    {
        try
        {
            using var body = await ReadJsonAsync(request, cancellationToken);
            var root = body.RootElement;
            if (!root.TryGetProperty("frames", out var frames) || frames.ValueKind != JsonValueKind.Array || frames.GetArrayLength() == 0)
                throw ApiProblemException.BadRequest("The body must hold \"frames\": a non-empty array of {image, timestamp?}.");
            if (frames.GetArrayLength() > options.Value.MaxBatchFrames)
                throw ApiProblemException.TooLarge($"{frames.GetArrayLength()} frames; at most {options.Value.MaxBatchFrames} per request.");
            var session = Session(root);
            // Envelope errors (bad base64, not an image) are per frame, not for the whole batch.
            var tasks = frames.EnumerateArray().Select(async (frame, index) =>
            {
                try
                {
                    var image = MoodService.DecodeImage(frame.ValueKind == JsonValueKind.Object ? GetString(frame, "image") : null,
                        $"frame {index}", validator, api.Value);
                    var timestamp = frame.TryGetProperty("timestamp", out var t) ? Timestamps.Parse(t, $"frames[{index}].timestamp") : null;
                    var outcome = await mood.AnalyzeAsync(image, timestamp, cancellationToken);
                    return new BatchFrameDto(index, outcome.Result is not null, outcome.Result, outcome.Status, outcome.Message);
                }
                catch (ApiProblemException e)
                {
                    return new BatchFrameDto(index, false, null, e.Status, e.Message);
                }
            }).ToList();
            var results = await Task.WhenAll(tasks);
            var ok = results.Where(r => r.Result is not null).Select(r => r.Result!).ToList();
            if (session is not null && ok.Count > 0)
                await mood.StoreAsync(session, ok, cancellationToken);
            return TypedResults.Json(new BatchDto(Summarise(results.Length, ok), results));
        }
        catch (ApiProblemException e)
        {
            return TypedResults.Problem(e.Message, statusCode: e.Status, title: e.Title);
        }
    }

    /// <summary>
    /// Summary over the analysed frames: mean score, count per status, mean percentage per emotion, and the overall
    /// dominant emotion = the label with the highest mean percentage (not the most frequent per-frame winner).
    /// </summary>
    public static BatchSummaryDto Summarise(int frames, IReadOnlyList<MoodDto> ok)
    {
        var distribution = ok.GroupBy(r => r.EngagementStatus).ToDictionary(g => g.Key, g => g.Count());
        if (ok.Count == 0)
            return new BatchSummaryDto(frames, 0, frames, null, distribution, null, null);
        var means = EmotionLabels.All.ToDictionary(l => l, l => Math.Round(ok.Average(r => r.Emotions[l]), 2));
        return new BatchSummaryDto(frames, ok.Count, frames - ok.Count, Math.Round(ok.Average(r => r.EngagementScore), 2), distribution,
            means.MaxBy(kv => kv.Value).Key, means);
    }

    /// <summary>200 timeline (oldest first) with EMA; 404 when the session has no stored result.</summary>
    public static async Task<Results<JsonHttpResult<SessionEngagementDto>, ProblemHttpResult>> GetSessionEngagement(string id, FaceDbContext db,
        IOptions<MoodOptions> options, CancellationToken cancellationToken)
    {
        var rows = await db.MoodResults.AsNoTracking().Where(m => m.Session == id).OrderBy(m => m.CapturedAt).ThenBy(m => m.Id)
            .Select(m => new { m.CapturedAt, m.EngagementScore, m.EngagementStatus, m.Dominant }).ToListAsync(cancellationToken);
        if (rows.Count == 0)
            return TypedResults.Problem($"No stored results for session '{id}'.", statusCode: StatusCodes.Status404NotFound, title: "Session not found");
        var alpha = options.Value.RollingAlpha;
        var timeline = new List<TimelinePointDto>(rows.Count);
        double ema = rows[0].EngagementScore;
        foreach (var r in rows)
        {
            ema = timeline.Count == 0 ? r.EngagementScore : alpha * r.EngagementScore + (1 - alpha) * ema;
            timeline.Add(new TimelinePointDto(r.CapturedAt, r.EngagementScore, r.EngagementStatus, r.Dominant, Math.Round(ema, 2)));
        }
        var rolling = Math.Round(ema, 2);
        return TypedResults.Json(new SessionEngagementDto(id, rows.Count, Math.Round(rows.Average(r => r.EngagementScore), 2), rolling,
            EngagementScorer.Status(rolling, rows[^1].Dominant), $"exponential moving average, alpha = {alpha} (newest weighs alpha)",
            rows.GroupBy(r => r.EngagementStatus).ToDictionary(g => g.Key, g => g.Count()), timeline));
    }

    private static ProblemHttpResult Problem(MoodOutcome outcome) =>
        TypedResults.Problem(outcome.Message, statusCode: outcome.Status,
            title: outcome.Status switch { 422 => "No usable face", 503 => "No worker available", _ => "Bad image" },
            extensions: new Dictionary<string, object?> { ["success"] = false, ["message"] = outcome.Message, ["code"] = outcome.Code });

    private static async Task<JsonDocument> ReadJsonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength is 0)
            throw ApiProblemException.BadRequest("The request holds no image; send JSON {\"image\": base64}.");
        try
        {
            var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw ApiProblemException.BadRequest("The JSON body must be an object.");
            }
            return document;
        }
        catch (JsonException e)
        {
            throw ApiProblemException.BadRequest($"The JSON body is malformed: {e.Message}");
        }
    }

    private static string? GetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static string? Session(JsonElement root)
    {
        var session = GetString(root, "session")?.Trim();
        if (string.IsNullOrEmpty(session))
            return null;
        return session.Length <= 200 ? session : throw ApiProblemException.BadRequest("\"session\" is longer than 200 characters.");
    }
}
