using FaceAspire.Admin.Services;
using FaceAspire.Core.Data;
using FaceAspire.Core.Engagement;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FaceAspire.Admin.Pages.Webcam;

/// <summary>
/// Webcam capture. wwwroot/js/webcam.js grabs frames with getUserMedia at the chosen rate and posts each as a
/// JPEG to <c>?handler=Frame</c> (a form post, so antiforgery applies); the handler forwards it to the ingest Api
/// with the admin's key, waits for the analysis and answers with the boxes, person names and emotions.
/// </summary>
public sealed class IndexModel(IngestClient ingest, FaceDbContext db) : AdminPageModel
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
        WebcamResult result;
        try
        {
            result = await ingest.PostAndWaitAsync(buffer.ToArray(), image.ContentType is "image/png" ? "image/png" : "image/jpeg",
                string.IsNullOrWhiteSpace(source) ? "admin-webcam" : source.Trim(), TimeSpan.FromSeconds(10), ct);
        }
        catch (IngestUnavailableException e)
        {
            return StatusCode(StatusCodes.Status503ServiceUnavailable, new { error = e.Message });
        }
        var ids = result.Faces.Where(f => f.PersonId is not null).Select(f => f.PersonId!.Value).Distinct().ToList();
        var names = await db.Persons.AsNoTracking().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Name, ct);
        return new JsonResult(new
        {
            result.FrameId,
            result.Status,
            result.Error,
            faces = result.Faces.Select(f => new
            {
                f.X, f.Y, f.W, f.H, f.PersonId,
                name = f.PersonId is { } id && names.TryGetValue(id, out var n) ? n ?? "Unnamed" : null,
                f.Emotion, f.Confidence,
                // The learner-mood engagement score (Core's EngagementScorer, the same formula as /api/analyze-mood).
                engagement = f.Scores is { Count: > 0 } p && f.Emotion is { } dominant
                    ? EngagementScorer.Score(p.ToDictionary(kv => kv.Key, kv => kv.Value * 100), dominant) : null,
            }),
        });
    }
}
