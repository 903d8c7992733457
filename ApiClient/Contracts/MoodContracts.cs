using System.Text.Json.Serialization;

namespace FaceAspire.ApiClient.Contracts;

/// <summary>
/// The answer of <c>POST /api/analyze-mood</c> (snake_case on the wire, the shape). Emotions are percentages
/// in [0, 100] keyed by the 7 canonical labels; the score and status are Core's EngagementScorer's.
/// </summary>
public sealed record MoodDto(
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("dominant_emotion")] string DominantEmotion,
    [property: JsonPropertyName("emotions")] IReadOnlyDictionary<string, double> Emotions,
    [property: JsonPropertyName("engagement_score")] double EngagementScore,
    [property: JsonPropertyName("engagement_status")] string EngagementStatus,
    [property: JsonPropertyName("recommendations")] IReadOnlyList<string> Recommendations,
    [property: JsonPropertyName("age")] float? Age,
    [property: JsonPropertyName("gender")] string? Gender,
    [property: JsonPropertyName("face")] BoxDto Face,
    [property: JsonPropertyName("timestamp")] DateTimeOffset Timestamp,
    [property: JsonPropertyName("faces_in_image")] int FacesInImage);

/// <summary>One frame of a batch: the mood, or why there is none.</summary>
public sealed record BatchFrameDto(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("success")] bool Success,
    [property: JsonPropertyName("result")] MoodDto? Result,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("message")] string? Message);

/// <summary>The batch summary over successful frames.</summary>
public sealed record BatchSummaryDto(
    [property: JsonPropertyName("frames")] int Frames,
    [property: JsonPropertyName("analyzed")] int Analyzed,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("mean_engagement_score")] double? MeanEngagementScore,
    [property: JsonPropertyName("status_distribution")] IReadOnlyDictionary<string, int> StatusDistribution,
    [property: JsonPropertyName("dominant_emotion")] string? DominantEmotion,
    [property: JsonPropertyName("mean_emotions")] IReadOnlyDictionary<string, double>? MeanEmotions);

/// <summary>The answer of <c>POST /api/batch-analyze-mood</c>.</summary>
public sealed record BatchDto(
    [property: JsonPropertyName("summary")] BatchSummaryDto Summary,
    [property: JsonPropertyName("results")] IReadOnlyList<BatchFrameDto> Results);

/// <summary>One point of a session timeline.</summary>
public sealed record TimelinePointDto(
    [property: JsonPropertyName("timestamp")] DateTimeOffset Timestamp,
    [property: JsonPropertyName("engagement_score")] double EngagementScore,
    [property: JsonPropertyName("engagement_status")] string EngagementStatus,
    [property: JsonPropertyName("dominant_emotion")] string DominantEmotion,
    [property: JsonPropertyName("rolling_score")] double RollingScore);

/// <summary>The answer of <c>GET /api/sessions/{id}/engagement</c>.</summary>
public sealed record SessionEngagementDto(
    [property: JsonPropertyName("session")] string Session,
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("mean_score")] double MeanScore,
    [property: JsonPropertyName("rolling_score")] double RollingScore,
    [property: JsonPropertyName("rolling_status")] string RollingStatus,
    [property: JsonPropertyName("rolling_method")] string RollingMethod,
    [property: JsonPropertyName("status_distribution")] IReadOnlyDictionary<string, int> StatusDistribution,
    [property: JsonPropertyName("timeline")] IReadOnlyList<TimelinePointDto> Timeline);

/// <summary>Body of <c>POST /api/analyze-mood</c>.</summary>
/// <param name="Image">The image: base64, or a data URL (<c>data:image/jpeg;base64,…</c>).</param>
/// <param name="Timestamp">Capture time: an ISO-8601 string or unix milliseconds (a JSON number); default now.</param>
/// <param name="Session">Stores the result under this session id (at most 200 characters) for <c>/api/sessions/{id}/engagement</c>.</param>
public sealed record MoodRequest(
    [property: JsonPropertyName("image")] string Image,
    [property: JsonPropertyName("timestamp")] System.Text.Json.JsonElement? Timestamp = null,
    [property: JsonPropertyName("session")] string? Session = null);

/// <summary>One frame of <see cref="BatchMoodRequest"/>.</summary>
/// <param name="Image">Base64 or a data URL.</param>
/// <param name="Timestamp">ISO-8601 string or unix milliseconds; default now.</param>
public sealed record BatchMoodFrame(
    [property: JsonPropertyName("image")] string Image,
    [property: JsonPropertyName("timestamp")] System.Text.Json.JsonElement? Timestamp = null);

/// <summary>Body of <c>POST /api/batch-analyze-mood</c>.</summary>
/// <param name="Frames">One or more frames (at most Mood:MaxBatchFrames).</param>
/// <param name="Session">Stores the successful results under this session id.</param>
public sealed record BatchMoodRequest(
    [property: JsonPropertyName("frames")] IReadOnlyList<BatchMoodFrame> Frames,
    [property: JsonPropertyName("session")] string? Session = null);
