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
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>
    /// 200 JPEG (cacheable: a frame's bytes never change). The first request decodes the stored image, makes the
    /// thumbnail (<see cref="Thumbnails.Encode"/>) and keeps it; concurrent first requests may each make one, and
    /// the first stored wins. 404: no such frame, no stored image, or an image that cannot be decoded.
    /// </summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetThumbnail(Guid id, FaceDbContext db, IOptions<ApiOptions> options,
        HttpResponse response, CancellationToken cancellationToken)
    {
        var images = db.FrameImages.AsNoTracking().Where(i => i.FrameId == id);
        var thumbnail = await images.Select(i => i.Thumbnail).FirstOrDefaultAsync(cancellationToken);
        if (thumbnail is null)
        {
            var content = await images.Select(i => i.Content).FirstOrDefaultAsync(cancellationToken);
            if (content is not { Length: > 0 })
                return TypedResults.Problem($"Frame {id} has no stored image.", statusCode: 404, title: "No thumbnail");
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
        response.Headers.CacheControl = "private, max-age=86400";
        return TypedResults.File(thumbnail, "image/jpeg");
    }
}
