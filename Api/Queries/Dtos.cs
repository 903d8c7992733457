using System.Text.Json;
using FaceAspire.Core.Data.Entities;

namespace FaceAspire.Api.Queries;

/// <summary>A detector box in pixels of the decoded, EXIF-oriented frame.</summary>
/// <param name="X">Left edge.</param>
/// <param name="Y">Top edge.</param>
/// <param name="W">Width.</param>
/// <param name="H">Height.</param>
public sealed record BoxDto(float X, float Y, float W, float H);

/// <summary>The seven emotion probabilities (FER-2013 classes), each in [0, 1], summing to ≈1.</summary>
public sealed record EmotionScoresDto(float Angry, float Disgust, float Fear, float Happy, float Sad, float Surprise, float Neutral);

/// <summary>A face's emotion: the dominant label, its probability and all seven scores.</summary>
/// <param name="Dominant">One of angry, disgust, fear, happy, sad, surprise, neutral.</param>
/// <param name="Confidence">Probability of <paramref name="Dominant"/>, in [0, 1].</param>
/// <param name="Scores">All seven probabilities.</param>
public sealed record EmotionDto(string Dominant, float Confidence, EmotionScoresDto Scores)
{
    internal static EmotionDto From(EmotionRecord e) =>
        new(e.Dominant, e.Confidence, new EmotionScoresDto(e.Angry, e.Disgust, e.Fear, e.Happy, e.Sad, e.Surprise, e.Neutral));
}

/// <summary>One detected face.</summary>
/// <param name="Id">Face id.</param>
/// <param name="FrameId">The frame it was found in.</param>
/// <param name="PersonId">Its person; null when unassigned.</param>
/// <param name="NewPerson">True when this face opened its person.</param>
/// <param name="Box">Detector box, pixels.</param>
/// <param name="DetectionScore">Detector confidence in [0, 1].</param>
/// <param name="Quality">Face quality in [0, 1].</param>
/// <param name="Emotion">Emotion, or null when none was stored.</param>
/// <param name="Age">Estimated age in years, or null.</param>
/// <param name="Gender"><c>male</c>, <c>female</c> or null.</param>
/// <param name="CapturedAt">When the frame was taken (UTC).</param>
/// <param name="Source">The frame's source, or null.</param>
/// <param name="CropUrl">Relative URL of the JPEG crop, or null when none is stored.</param>
public sealed record FaceDto(Guid Id, Guid FrameId, Guid? PersonId, bool NewPerson, BoxDto Box, float DetectionScore, float Quality,
    EmotionDto? Emotion, float? Age, string? Gender, DateTimeOffset CapturedAt, string? Source, string? CropUrl);

/// <summary>A frame and, once <c>done</c>, its faces.</summary>
/// <param name="Id">Frame id.</param>
/// <param name="Status">queued, processing, done or failed.</param>
/// <param name="Error">Why it failed, or null.</param>
/// <param name="Source">Source, or null.</param>
/// <param name="CapturedAt">Capture time (UTC).</param>
/// <param name="ReceivedAt">When the Api accepted it (UTC).</param>
/// <param name="Width">Decoded width in pixels once analysed, else null.</param>
/// <param name="Height">Decoded height once analysed, else null.</param>
/// <param name="Attempts">How many times a worker started on it.</param>
/// <param name="Metadata">The stored metadata document (file name, EXIF time, camera, GPS …), or null.</param>
/// <param name="Faces">The faces in detection order; empty unless <paramref name="Status"/> is done.</param>
public sealed record FrameDto(Guid Id, string Status, string? Error, string? Source, DateTimeOffset CapturedAt, DateTimeOffset ReceivedAt,
    int? Width, int? Height, int Attempts, JsonElement? Metadata, IReadOnlyList<FaceDto> Faces);

/// <summary>An identity.</summary>
/// <param name="Id">Person id.</param>
/// <param name="Name">Operator-given name, or null.</param>
/// <param name="CreatedAt">When the first face opened it.</param>
/// <param name="CoverFaceId">The best-quality face, or null.</param>
/// <param name="Hidden">Hidden by an operator.</param>
/// <param name="FaceCount">Number of faces assigned.</param>
/// <param name="LastSeen">Latest capture time of its faces, or null.</param>
/// <param name="CoverUrl">Relative URL of the cover face's crop, or null.</param>
public sealed record PersonDto(Guid Id, string? Name, DateTimeOffset CreatedAt, Guid? CoverFaceId, bool Hidden, int FaceCount,
    DateTimeOffset? LastSeen, string? CoverUrl)
{
    internal static PersonDto From(Person p) => new(p.Id, p.Name, p.CreatedAt, p.CoverFaceId, p.Hidden, p.FaceCount, p.LastSeen,
        p.CoverFaceId is { } c ? $"/api/faces/{c}/crop" : null);
}

/// <summary>A person with one page of its faces (newest first).</summary>
/// <param name="Person">The person.</param>
/// <param name="Faces">Its faces.</param>
public sealed record PersonDetailDto(PersonDto Person, PageDto<FaceDto> Faces);

/// <summary>One row of the emotion log.</summary>
/// <param name="Id">Row id (increasing in write order).</param>
/// <param name="FaceId">The face.</param>
/// <param name="PersonId">The face's person, or null.</param>
/// <param name="FrameId">The frame.</param>
/// <param name="Source">Source, or null.</param>
/// <param name="CapturedAt">Capture time (UTC).</param>
/// <param name="Emotion">Dominant label, confidence and scores.</param>
/// <param name="Age">Estimated age in years, or null.</param>
/// <param name="Gender"><c>male</c>, <c>female</c> or null.</param>
/// <param name="Box">Detector box, pixels.</param>
public sealed record EmotionRowDto(long Id, Guid FaceId, Guid? PersonId, Guid FrameId, string? Source, DateTimeOffset CapturedAt,
    EmotionDto Emotion, float? Age, string? Gender, BoxDto Box)
{
    internal static EmotionRowDto From(EmotionRecord e) => new(e.Id, e.FaceId, e.PersonId, e.FrameId, e.Source, e.CapturedAt,
        EmotionDto.From(e), e.Age, e.Gender, new BoxDto(e.X, e.Y, e.W, e.H));
}

/// <summary>One page of a list.</summary>
/// <param name="Page">1-based page number.</param>
/// <param name="PageSize">Requested page size.</param>
/// <param name="Total">Number of items matching the filters over all pages (also in the <c>X-Total-Count</c> header).</param>
/// <param name="Items">The items of this page.</param>
public sealed record PageDto<T>(int Page, int PageSize, long Total, IReadOnlyList<T> Items);
