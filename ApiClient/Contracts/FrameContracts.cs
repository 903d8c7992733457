using System.Text.Json;

namespace FaceAspire.ApiClient.Contracts;

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
public sealed record EmotionDto(string Dominant, float Confidence, EmotionScoresDto Scores);

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
    DateTimeOffset? LastSeen, string? CoverUrl);

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
    EmotionDto Emotion, float? Age, string? Gender, BoxDto Box);

/// <summary>One page of a list.</summary>
/// <param name="Page">1-based page number.</param>
/// <param name="PageSize">Requested page size.</param>
/// <param name="Total">Number of items matching the filters over all pages (also in the <c>X-Total-Count</c> header).</param>
/// <param name="Items">The items of this page.</param>
public sealed record PageDto<T>(int Page, int PageSize, long Total, IReadOnlyList<T> Items);

/// <summary>One accepted frame as the API reports it.</summary>
/// <param name="Id">The frame id (the same for the same bytes, however often they are posted).</param>
/// <param name="Status">Its current status: <c>queued</c> for a new frame; for a duplicate whatever it reached.</param>
/// <param name="StatusUrl">Relative URL of <c>GET /api/frames/{id}</c>.</param>
/// <param name="Duplicate">True when these bytes had been accepted before (nothing new was queued).</param>
public sealed record AcceptedFrame(Guid Id, string Status, string StatusUrl, bool Duplicate);
