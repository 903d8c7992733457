using FaceAspire.Core.Data.Entities;
using FaceAspire.Api.Auth;
using FaceAspire.Api.Audit;
using FaceAspire.Core.Security;
using FaceAspire.Api.Mood;
using FaceAspire.Core.Contracts;
using FaceAspire.Core.Data;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FaceAspire.Api.Apis;

/// <summary><c>GET /api/frames/{id}/thumbnail</c>: a 300 px JPEG of a stored photo, made by a worker on first request.</summary>
public static class ThumbnailsApi
{
    /// <summary>Longer side of a thumbnail, pixels.</summary>
    public const int MaxSide = 300;

    /// <summary>JPEG quality of a thumbnail (1–100).</summary>
    public const int Quality = 80;

    /// <summary>Maps the route (API key required).</summary>
    public static IEndpointRouteBuilder MapThumbnailsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/frames/{id:guid}/thumbnail", GetThumbnail).WithTags("Frames").RequireAuthorization().WithAccessAudit()
            .RequireScope(ApiKeyScopes.Read)
            .WithName("GetFrameThumbnail")
            .WithSummary("The frame's thumbnail (image/jpeg, longer side 300 px), made from the stored image on first request")
            .Produces(StatusCodes.Status200OK, contentType: "image/jpeg")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    /// <summary>
    /// 200 JPEG (cacheable: a frame's bytes never change). The first request waits for a turn at the
    /// <see cref="ThumbnailGate"/> and asks a worker to make the thumbnail (<see cref="MakeThumbnail"/>: the Api
    /// decodes no pixels), which the worker keeps in the database; a request that got its turn after another made it
    /// serves that one. 404: no such frame, no stored image, or an image that cannot be decoded. 503 with
    /// <c>Retry-After</c>: too many first requests are waiting, or no worker answered in time.
    /// </summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetThumbnail(Guid id, FaceDbContext db, IOptions<ApiOptions> options,
        IOptions<MoodOptions> requests, ThumbnailGate gate, IRequestClient<MakeThumbnail> client, ImageSealer sealer, HttpResponse response,
        CancellationToken cancellationToken)
    {
        var images = db.FrameImages.AsNoTracking().Where(i => i.FrameId == id);
        var thumbnail = sealer.OpenOrNull(await images.Select(i => i.Thumbnail).FirstOrDefaultAsync(cancellationToken), SealedColumns.FrameThumbnail);
        if (thumbnail is null)
        {
            using var turn = await gate.EnterAsync(cancellationToken);
            if (!turn.IsAcquired)
            {
                response.Headers.RetryAfter = "1";
                return TypedResults.Problem($"Too many thumbnails are being made; at most {options.Value.ThumbnailQueueLimit} first requests wait. Retry frame {id}'s thumbnail shortly.",
                    statusCode: StatusCodes.Status503ServiceUnavailable, title: "Thumbnails busy");
            }
            var stored = await images.Select(i => new { HasContent = i.Content.Length > 0, i.Thumbnail }).FirstOrDefaultAsync(cancellationToken);
            if (stored?.Thumbnail is { } made)
                thumbnail = sealer.Open(made, SealedColumns.FrameThumbnail);
            else if (stored is not { HasContent: true })
                return TypedResults.Problem($"Frame {id} has no stored image.", statusCode: 404, title: "No thumbnail");
            else
            {
                Response<ThumbnailMade, ImageRejected> answer;
                try
                {
                    answer = await client.GetResponse<ThumbnailMade, ImageRejected>(new MakeThumbnail(id, MaxSide, Quality), cancellationToken,
                        RequestTimeout.After(s: requests.Value.RequestTimeoutSeconds));
                }
                catch (RequestTimeoutException)
                {
                    response.Headers.RetryAfter = "5";
                    return TypedResults.Problem($"No worker made frame {id}'s thumbnail within {requests.Value.RequestTimeoutSeconds} s; retry shortly.",
                        statusCode: StatusCodes.Status503ServiceUnavailable, title: "No worker available");
                }
                if (answer.Is(out Response<ImageRejected>? rejected))
                    return TypedResults.Problem(rejected.Message.Reason, statusCode: 404, title: "No thumbnail");
                answer.Is(out Response<ThumbnailMade>? thumb);
                thumbnail = thumb!.Message.Jpeg;
            }
        }
        AccessAudit.Note(response.HttpContext, new("read.frame.thumbnail", id.ToString(), 1));
        response.Headers.CacheControl = "private, max-age=86400";
        return TypedResults.File(thumbnail, "image/jpeg");
    }
}
