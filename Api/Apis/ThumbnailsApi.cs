using FaceAspire.Core.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace FaceAspire.Api.Apis;

/// <summary><c>GET /api/frames/{id}/thumbnail</c>: the 300 px JPEG the worker stored for a photo.</summary>
public static class ThumbnailsApi
{
    /// <summary>Maps the route (API key required).</summary>
    public static IEndpointRouteBuilder MapThumbnailsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/frames/{id:guid}/thumbnail", GetThumbnail).WithTags("Frames").RequireAuthorization()
            .WithName("GetFrameThumbnail")
            .WithSummary("The frame's thumbnail (image/jpeg, longer side 300 px); 404 until the worker has made it")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>200 JPEG (cacheable: a frame's bytes never change); 404 no frame or no thumbnail yet.</summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetThumbnail(Guid id, FaceDbContext db, HttpResponse response,
        CancellationToken cancellationToken)
    {
        var thumbnail = await db.FrameImages.AsNoTracking().Where(i => i.FrameId == id).Select(i => i.Thumbnail).FirstOrDefaultAsync(cancellationToken);
        if (thumbnail is null)
            return TypedResults.Problem($"Frame {id} has no thumbnail (unknown frame, or not analysed yet).", statusCode: 404, title: "No thumbnail");
        response.Headers.CacheControl = "private, max-age=86400";
        return TypedResults.File(thumbnail, "image/jpeg");
    }
}
