using FaceAspire.ApiClient.Contracts;
using FaceAspire.Api.Ingest;
using FaceAspire.Core.Contracts;
using FaceAspire.Core.Data;
using FaceAspire.Core.Data.Entities;
using FaceAspire.Core.Engagement;
using MassTransit;
using Microsoft.Extensions.Options;

namespace FaceAspire.Api.Mood;

/// <summary>A worker's answer turned into HTTP terms: a result, or a status with a message.</summary>
public sealed record MoodOutcome(MoodDto? Result, int Status, string? Code, string? Message);

/// <summary>
/// Asks a worker for the mood of one image (<see cref="AnalyzeMood"/> request/response, timeout
/// <see cref="MoodOptions.RequestTimeoutSeconds"/>), scores it with <see cref="EngagementScorer"/>, and stores it
/// in <c>mood_results</c> when a session is named.
/// </summary>
public sealed class MoodService(IRequestClient<AnalyzeMood> client, IOptions<MoodOptions> options, IServiceScopeFactory scopes, TimeProvider time)
{
    /// <summary>
    /// One image. Status 200 with the result; 422 no_face / face_too_small; 400 bad_image; 503 when no worker
    /// answered in time.
    /// </summary>
    public async Task<MoodOutcome> AnalyzeAsync(byte[] image, DateTimeOffset? timestamp, CancellationToken cancellationToken)
    {
        var stamp = timestamp ?? time.GetUtcNow();
        Response<MoodAnalyzed, ImageRejected> response;
        try
        {
            response = await client.GetResponse<MoodAnalyzed, ImageRejected>(new AnalyzeMood(image, options.Value.MinFaceSize), cancellationToken,
                RequestTimeout.After(s: options.Value.RequestTimeoutSeconds));
        }
        catch (RequestTimeoutException)
        {
            return new MoodOutcome(null, StatusCodes.Status503ServiceUnavailable, "no_worker",
                $"No analysis worker answered within {options.Value.RequestTimeoutSeconds} s; try again shortly.");
        }
        if (response.Is(out Response<ImageRejected>? rejected))
        {
            var status = rejected.Message.Code == ImageRejectionCodes.BadImage ? StatusCodes.Status400BadRequest : StatusCodes.Status422UnprocessableEntity;
            return new MoodOutcome(null, status, rejected.Message.Code, rejected.Message.Reason);
        }
        response.Is(out Response<MoodAnalyzed>? analyzed);
        return new MoodOutcome(ToDto(analyzed!.Message, stamp), StatusCodes.Status200OK, null, null);
    }

    /// <summary>Builds the response shape: percentages (2 decimals), score, status, recommendations.</summary>
    public static MoodDto ToDto(MoodAnalyzed m, DateTimeOffset timestamp)
    {
        var percent = new Dictionary<string, double>(EmotionLabels.Count);
        for (var i = 0; i < EmotionLabels.Count; i++)
            percent[EmotionLabels.All[i]] = Math.Round(m.Probabilities[i] * 100.0, 2);
        var engagement = EngagementScorer.Score(percent, m.DominantEmotion);
        return new MoodDto(true, m.DominantEmotion, percent, engagement.Score, engagement.Status, engagement.Recommendations, m.Age, m.Gender,
            new BoxDto(m.Face.X, m.Face.Y, m.Face.W, m.Face.H), timestamp, m.FaceCount);
    }

    /// <summary>Stores results of a session (one row each).</summary>
    public async Task StoreAsync(string session, IEnumerable<MoodDto> results, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FaceDbContext>();
        foreach (var r in results)
        {
            db.MoodResults.Add(new MoodResult
            {
                Session = session,
                CapturedAt = r.Timestamp.ToUniversalTime(),
                ReceivedAt = time.GetUtcNow(),
                Dominant = r.DominantEmotion,
                Angry = (float)r.Emotions["angry"],
                Disgust = (float)r.Emotions["disgust"],
                Fear = (float)r.Emotions["fear"],
                Happy = (float)r.Emotions["happy"],
                Sad = (float)r.Emotions["sad"],
                Surprise = (float)r.Emotions["surprise"],
                Neutral = (float)r.Emotions["neutral"],
                EngagementScore = (float)r.EngagementScore,
                EngagementStatus = r.EngagementStatus,
                Age = r.Age,
                Gender = r.Gender,
            });
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The image bytes of a JSON <c>image</c> value, header-checked.</summary>
    /// <exception cref="ApiProblemException">400 missing/invalid base64 or corrupt header; 413; 415 not an image.</exception>
    public static byte[] DecodeImage(string? text, string part, FrameValidator validator, ApiOptions api)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw ApiProblemException.BadRequest($"{part} has no \"image\" (base64 or a data: URL).");
        var bytes = Base64Image.Decode(text, part, api.MaxImageBytes);
        validator.Validate(new UploadedImage(bytes, null, null, null, part));
        return bytes;
    }
}
