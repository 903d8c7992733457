using FaceAspire.Core.Data.Entities;
using FaceAspire.Api.Auth;
using FaceAspire.Api.OpenApi;
using FaceAspire.ApiClient.Contracts;
using System.Text.Json;
using FaceAspire.Api.Ingest;
using FaceAspire.Api.Queries;
using FaceAspire.Core.Contracts;
using FaceAspire.Core.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FaceAspire.Api.Apis;

/// <summary><c>/api/frames</c>: ingest and frame status.</summary>
public static class FramesApi
{
    /// <summary>Maps <c>POST /api/frames</c> and <c>GET /api/frames/{id}</c> (API key required).</summary>
    public static IEndpointRouteBuilder MapFramesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/frames").WithTags("Frames").RequireAuthorization();
        api.MapPost("/", PostFrames)
            .RequireScope(ApiKeyScopes.Ingest)
            .WithName("PostFrames")
            .WithSummary("Accept one or many images for analysis")
            .WithDescription("multipart/form-data (files; optional fields source, timestamp), a raw image/jpeg or image/png body " +
                             "(source/timestamp via query or X-Source/X-Timestamp headers), or JSON {image, timestamp, source}. " +
                             "The same bytes always map to the same frame id and are analysed once.")
            .AddOpenApiOperationTransformer(IngestOpenApi.DescribeBody)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .DisableAntiforgery();
        api.MapGet("/{id:guid}", GetFrame)
            .RequireScope(ApiKeyScopes.Read)
            .WithName("GetFrame")
            .WithSummary("Status of a frame and, once done, its faces with person, emotion, age and gender")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    /// <summary>202 with <c>[{id, status, statusUrl, duplicate}]</c> (+ Location for a single frame); 400/413/415 ProblemDetails.</summary>
    public static async Task<Results<Accepted<IReadOnlyList<AcceptedFrame>>, ProblemHttpResult>> PostFrames(
        HttpRequest request, IngestService ingest, IOptions<ApiOptions> options, CancellationToken cancellationToken)
    {
        try
        {
            var images = await FrameRequestReader.ReadAsync(request, options.Value, cancellationToken);
            var accepted = await ingest.AcceptAsync(images, cancellationToken);
            return accepted.Count == 1
                ? TypedResults.Accepted(accepted[0].StatusUrl, accepted)
                : TypedResults.Accepted((string?)null, accepted);
        }
        catch (ApiProblemException e)
        {
            return TypedResults.Problem(e.Message, statusCode: e.Status, title: e.Title);
        }
    }

    /// <summary>200 with the frame; 404 ProblemDetails for an unknown id.</summary>
    public static async Task<Results<Ok<FrameDto>, ProblemHttpResult>> GetFrame(Guid id, FaceDbContext db, CancellationToken cancellationToken)
    {
        var frame = await db.Frames.AsNoTracking().Where(f => f.Id == id)
            .Select(f => new { f.Id, f.Status, f.Error, f.Source, f.CapturedAt, f.ReceivedAt, f.Width, f.Height, f.Attempts, f.Metadata })
            .FirstOrDefaultAsync(cancellationToken);
        if (frame is null)
            return TypedResults.Problem($"No frame with id {id}.", statusCode: StatusCodes.Status404NotFound, title: "Frame not found");
        IReadOnlyList<FaceDto> faces = [];
        if (frame.Status == FrameStatus.Done)
        {
            // Detection order = emotion row order (each face's emotion row is inserted right after it).
            var ordered = await FaceQueries.ToDtosAsync(db, db.Faces.AsNoTracking().Where(f => f.FrameId == id), cancellationToken);
            var order = await db.Emotions.AsNoTracking().Where(e => e.FrameId == id).OrderBy(e => e.Id).Select(e => e.FaceId)
                .ToListAsync(cancellationToken);
            faces = [.. ordered.OrderBy(f => order.IndexOf(f.Id) is var i && i < 0 ? int.MaxValue : i)];
        }
        JsonElement? metadata = null;
        if (frame.Metadata is { } json)
        {
            using var document = JsonDocument.Parse(json);
            metadata = document.RootElement.Clone();
        }
        return TypedResults.Ok(new FrameDto(frame.Id, frame.Status, frame.Error, frame.Source, frame.CapturedAt, frame.ReceivedAt,
            frame.Width, frame.Height, frame.Attempts, metadata, faces));
    }
}
