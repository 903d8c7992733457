using FaceAspire.ApiClient;
using FaceAspire.ApiClient.Contracts;
using FaceAspire.Core.Data;
using FaceAspire.Core.Engagement;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FaceAspire.Admin.Pages.Webcam;

/// <summary>
/// Webcam capture. wwwroot/js/webcam.js grabs frames with getUserMedia at the chosen rate and posts each as a
/// JPEG to <c>?handler=Frame</c> (a form post, so antiforgery applies); the handler forwards it to the ingest Api
/// with the admin's key (<see cref="FaceAspireApiClient"/>), waits for the analysis and answers with the boxes, person
/// names and emotions.
/// </summary>
public sealed class IndexModel(FaceAspireApiClient api, Microsoft.Extensions.Options.IOptions<ApiClientOptions> apiOptions, FaceDbContext db)
    : AdminPageModel
{
    /// <summary>Largest frame accepted from the browser, bytes.</summary>
    public const int MaxFrameBytes = 4 << 20;

    /// <summary>Shows the page.</summary>
    public void OnGet()
    {
    }

    /// <summary>Analyses one frame; JSON <c>{frameId, status, error, faces:[{x,y,w,h,personId,name,emotion,confidence,engagement:{score,status}}]}</c>.</summary>
    public async Task<IActionResult> OnPostFrameAsync(IFormFile? image, string? source, CancellationToken ct)
    {
        if (image is null || image.Length == 0 || image.Length > MaxFrameBytes)
            return BadRequest(new { error = $"Send one JPEG of at most {MaxFrameBytes} bytes in the field 'image'." });
        using var buffer = new MemoryStream((int)image.Length);
        await image.CopyToAsync(buffer, ct);
        if (string.IsNullOrEmpty(apiOptions.Value.ApiKey))
            return StatusCode(StatusCodes.Status503ServiceUnavailable, new { error = "No API key is configured for the admin (Admin:ApiKey)." });
        FrameDto? frame;
        try
        {
            var accepted = await api.PostRawFrameAsync(buffer.ToArray(), image.ContentType is "image/png" ? "image/png" : "image/jpeg",
                string.IsNullOrWhiteSpace(source) ? "admin-webcam" : source.Trim(), ct);
            frame = await api.WaitForFrameAsync(accepted.Id, TimeSpan.FromSeconds(10), cancellationToken: ct);
        }
        catch (Exception e) when (e is ApiProblemException or HttpRequestException or InvalidOperationException)
        {
            // InvalidOperationException: the Api's address could not be resolved (no services:api:http:0).
            return StatusCode(StatusCodes.Status503ServiceUnavailable, new { error = $"The Api did not take the frame: {e.Message}" });
        }
        var result = frame ?? throw new InvalidOperationException("The Api lost a frame it had accepted.");
        var ids = result.Faces.Where(f => f.PersonId is not null).Select(f => f.PersonId!.Value).Distinct().ToList();
        var names = await db.Persons.AsNoTracking().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        return new JsonResult(new
        {
            FrameId = result.Id,
            result.Status,
            result.Error,
            faces = result.Faces.Select(f => new
            {
                f.Box.X, f.Box.Y, f.Box.W, f.Box.H, f.PersonId,
                name = f.PersonId is { } id && names.TryGetValue(id, out var n) ? n ?? "Unnamed" : null,
                Emotion = f.Emotion?.Dominant, Confidence = f.Emotion?.Confidence ?? 0f,
                // The learner-mood engagement score (Core's EngagementScorer, the same formula as /api/analyze-mood).
                engagement = f.Emotion is { } emotion ? EngagementScorer.Score(Percentages(emotion.Scores), emotion.Dominant) : null,
            }),
        });
    }

    /// <summary>The seven probabilities as percentages keyed by label, as the engagement score takes them.</summary>
    private static Dictionary<string, double> Percentages(EmotionScoresDto s) => new()
    {
        ["angry"] = s.Angry * 100.0, ["disgust"] = s.Disgust * 100.0, ["fear"] = s.Fear * 100.0, ["happy"] = s.Happy * 100.0,
        ["sad"] = s.Sad * 100.0, ["surprise"] = s.Surprise * 100.0, ["neutral"] = s.Neutral * 100.0,
    };
}
