using FaceAspire.ApiClient.Contracts;
using FaceAspire.Core.Data;
using FaceAspire.Core.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace FaceAspire.Api.Queries;

/// <summary>Read-side queries shared by the frames, faces and persons endpoints (EF, no tracking, no blobs).</summary>
public static class FaceQueries
{
    /// <summary>Faces filtered by person, source, dominant emotion and capture time.</summary>
    public static IQueryable<Face> Filter(FaceDbContext db, ListFilter filter)
    {
        var faces = db.Faces.AsNoTracking();
        if (filter.Person is { } person)
            faces = faces.Where(f => f.PersonId == person);
        if (filter.Source is { } source)
            faces = faces.Where(f => f.Source == source);
        if (filter.Emotion is { } emotion)
            faces = faces.Where(f => db.Emotions.Any(e => e.FaceId == f.Id && e.Dominant == emotion));
        if (filter.From is { } from)
            faces = faces.Where(f => f.CapturedAt >= from);
        if (filter.To is { } to)
            faces = faces.Where(f => f.CapturedAt < to);
        return faces;
    }

    /// <summary>One page of <paramref name="faces"/>, newest capture first, with their emotion rows.</summary>
    public static async Task<PageDto<FaceDto>> PageAsync(FaceDbContext db, IQueryable<Face> faces, ListFilter filter, CancellationToken cancellationToken)
    {
        var total = await faces.LongCountAsync(cancellationToken);
        var items = await ToDtosAsync(db, faces.OrderByDescending(f => f.CapturedAt).ThenBy(f => f.Id).Skip(filter.Skip).Take(filter.PageSize),
            cancellationToken);
        return new PageDto<FaceDto>(filter.Page, filter.PageSize, total, items);
    }

    /// <summary>Runs <paramref name="faces"/> (ordered by the caller) and attaches each face's emotion row.</summary>
    public static async Task<IReadOnlyList<FaceDto>> ToDtosAsync(FaceDbContext db, IQueryable<Face> faces, CancellationToken cancellationToken)
    {
        var rows = await faces.Select(f => new
        {
            f.Id, f.FrameId, f.PersonId, f.NewPerson, f.X, f.Y, f.W, f.H, f.DetScore, f.Quality, f.CapturedAt, f.Source,
            HasCrop = f.Crop != null,
        }).ToListAsync(cancellationToken);
        if (rows.Count == 0)
            return [];
        var ids = rows.Select(r => r.Id).ToArray();
        var emotions = await db.Emotions.AsNoTracking().Where(e => ids.Contains(e.FaceId)).OrderBy(e => e.Id).ToListAsync(cancellationToken);
        var byFace = new Dictionary<Guid, EmotionRecord>();
        foreach (var e in emotions)
            byFace.TryAdd(e.FaceId, e);
        return [.. rows.Select(r =>
        {
            byFace.TryGetValue(r.Id, out var e);
            return new FaceDto(r.Id, r.FrameId, r.PersonId, r.NewPerson, new BoxDto(r.X, r.Y, r.W, r.H), r.DetScore, r.Quality,
                e is null ? null : e.ToEmotionDto(), e?.Age, e?.Gender, r.CapturedAt, r.Source, r.HasCrop ? $"/api/faces/{r.Id}/crop" : null);
        })];
    }

    /// <summary>CSV columns of a face list.</summary>
    public static readonly string[] CsvHeader =
        ["id", "frame_id", "person_id", "new_person", "x", "y", "w", "h", "detection_score", "quality", "captured_at", "source",
         "emotion", "confidence", "angry", "disgust", "fear", "happy", "sad", "surprise", "neutral", "age", "gender"];

    /// <summary>One CSV row per face, in <see cref="CsvHeader"/> order.</summary>
    public static object?[] CsvRow(FaceDto f)
    {
        var s = f.Emotion?.Scores;
        return [f.Id, f.FrameId, f.PersonId, f.NewPerson, f.Box.X, f.Box.Y, f.Box.W, f.Box.H, f.DetectionScore, f.Quality, f.CapturedAt,
            f.Source, f.Emotion?.Dominant, f.Emotion?.Confidence, s?.Angry, s?.Disgust, s?.Fear, s?.Happy, s?.Sad, s?.Surprise, s?.Neutral,
            f.Age, f.Gender];
    }
}
