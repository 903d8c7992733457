using FaceAspire.Api.Auth;
using FaceAspire.Api.Audit;
using FaceAspire.ApiClient.Contracts;
using FaceAspire.Api.Queries;
using FaceAspire.Core.Data;
using FaceAspire.Core.Data.Entities;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FaceAspire.Api.Apis;

/// <summary><c>/api/emotions</c>: the emotion log.</summary>
public static class EmotionsApi
{
    /// <summary>Maps <c>GET /api/emotions</c> (API key required).</summary>
    public static IEndpointRouteBuilder MapEmotionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/emotions").WithTags("Emotions").RequireAuthorization().WithAccessAudit();
        api.MapGet("/", GetEmotions)
            .RequireScope(ApiKeyScopes.Read)
            .WithName("GetEmotions")
            .WithSummary("The emotion log, newest first; filters person, source, emotion, from, to; paging; CSV with Accept: text/csv")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return app;
    }

    private static readonly string[] CsvHeader =
        ["id", "face_id", "person_id", "frame_id", "source", "captured_at", "emotion", "confidence",
         "angry", "disgust", "fear", "happy", "sad", "surprise", "neutral", "age", "gender", "x", "y", "w", "h"];

    /// <summary>200 page of emotion rows (JSON or CSV); 400 ValidationProblem for bad filters.</summary>
    public static async Task<Results<Ok<PageDto<EmotionRowDto>>, CsvResult, ValidationProblem>> GetEmotions(
        [AsParameters] ListQuery query, HttpRequest request, FaceDbContext db, IOptions<ApiOptions> options, CancellationToken cancellationToken)
    {
        var csv = CsvResult.Requested(request);
        if (!query.TryParse(csv ? options.Value.MaxCsvPageSize : options.Value.MaxPageSize, out var filter, out var errors))
            return TypedResults.ValidationProblem(errors, title: "Invalid filters");
        var rows = Filter(db, filter);
        var total = await rows.LongCountAsync(cancellationToken);
        var page = await rows.OrderByDescending(e => e.CapturedAt).ThenByDescending(e => e.Id).Skip(filter.Skip).Take(filter.PageSize)
            .ToListAsync(cancellationToken);
        AccessAudit.Note(request.HttpContext, new(csv ? "read.emotions.csv" : "read.emotions", filter.Person?.ToString(), page.Count));
        if (csv)
            return new CsvResult(CsvHeader, page.Select(CsvRow), total, "emotions.csv");
        request.HttpContext.Response.Headers["X-Total-Count"] = total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Ok(new PageDto<EmotionRowDto>(filter.Page, filter.PageSize, total, [.. page.Select(DtoMapping.ToRowDto)]));
    }

    private static IQueryable<EmotionRecord> Filter(FaceDbContext db, ListFilter filter)
    {
        var rows = db.Emotions.AsNoTracking();
        if (filter.Person is { } person)
            rows = rows.Where(e => e.PersonId == person);
        if (filter.Source is { } source)
            rows = rows.Where(e => e.Source == source);
        if (filter.Emotion is { } emotion)
            rows = rows.Where(e => e.Dominant == emotion);
        if (filter.From is { } from)
            rows = rows.Where(e => e.CapturedAt >= from);
        if (filter.To is { } to)
            rows = rows.Where(e => e.CapturedAt < to);
        return rows;
    }

    private static object?[] CsvRow(EmotionRecord e) =>
        [e.Id, e.FaceId, e.PersonId, e.FrameId, e.Source, e.CapturedAt, e.Dominant, e.Confidence,
         e.Angry, e.Disgust, e.Fear, e.Happy, e.Sad, e.Surprise, e.Neutral, e.Age, e.Gender, e.X, e.Y, e.W, e.H];
}
