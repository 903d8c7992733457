using FaceAspire.Core.Data;
using FaceAspire.Vision.Imaging;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FaceAspire.Api.Apis;

/// <summary><c>GET /api/frames/{id}/thumbnail</c>: a 300 px JPEG of a stored photo, made on first request.</summary>
public static class ThumbnailsApi
{
    /// <summary>Maps the route (API key required).</summary>
    public static IEndpointRouteBuilder MapThumbnailsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/frames/{id:guid}/thumbnail", GetThumbnail).WithTags("Frames").RequireAuthorization()
            .WithName("GetFrameThumbnail")
            .WithSummary("The frame's thumbnail (image/jpeg, longer side 300 px), made from the stored image on first request")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    /// <summary>
    /// 200 JPEG (cacheable: a frame's bytes never change). The first request waits for a turn at the
    /// <see cref="ThumbnailGate"/>, decodes the stored image, makes the thumbnail (<see cref="Thumbnails.Encode"/>) and
    /// keeps it; a request that got its turn after another made it serves that one. 404: no such frame, no stored
    /// image, or an image that cannot be decoded. 503 with <c>Retry-After: 1</c>: too many first requests are waiting.
    /// </summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetThumbnail(Guid id, FaceDbContext db, IOptions<ApiOptions> options,
        ThumbnailGate gate, HttpResponse response, CancellationToken cancellationToken)
    {
        var images = db.FrameImages.AsNoTracking().Where(i => i.FrameId == id);
        var thumbnail = await images.Select(i => i.Thumbnail).FirstOrDefaultAsync(cancellationToken);
        if (thumbnail is null)
        {
            using var turn = await gate.EnterAsync(cancellationToken);
            if (!turn.IsAcquired)
            {
                response.Headers.RetryAfter = "1";
                return TypedResults.Problem($"Too many thumbnails are being made; at most {options.Value.ThumbnailQueueLimit} first requests wait. Retry frame {id}'s thumbnail shortly.",
                    statusCode: StatusCodes.Status503ServiceUnavailable, title: "Thumbnails busy");
            }
            var stored = await images.Select(i => new { i.Content, i.Thumbnail }).FirstOrDefaultAsync(cancellationToken);
            if (stored?.Thumbnail is { } made)
                thumbnail = made;
            else if (stored?.Content is not { Length: > 0 } content)
                return TypedResults.Problem($"Frame {id} has no stored image.", statusCode: 404, title: "No thumbnail");
            else
            {
                try
                {
                    thumbnail = Thumbnails.Encode(content, new ImageLimits(options.Value.MaxImageBytes, options.Value.MaxPixels));
                }
                catch (ImageDecodeException e)
                {
                    return TypedResults.Problem($"Frame {id}'s stored image cannot be decoded: {e.Message}", statusCode: 404, title: "No thumbnail");
                }
                await images.Where(i => i.Thumbnail == null).ExecuteUpdateAsync(s => s.SetProperty(i => i.Thumbnail, thumbnail), cancellationToken);
            }
        }
        response.Headers.CacheControl = "private, max-age=86400";
        return TypedResults.File(thumbnail, "image/jpeg");
    }
}
