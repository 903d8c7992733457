using FaceAspire.ApiClient.Contracts;
using FaceAspire.Core.Data.Entities;

namespace FaceAspire.Api.Queries;

/// <summary>Entities to the wire contracts of FaceAspire.ApiClient (which knows no entity).</summary>
internal static class DtoMapping
{
    /// <summary>The row's dominant emotion, its probability and the seven scores.</summary>
    public static EmotionDto ToEmotionDto(this EmotionRecord e) =>
        new(e.Dominant, e.Confidence, new EmotionScoresDto(e.Angry, e.Disgust, e.Fear, e.Happy, e.Sad, e.Surprise, e.Neutral));

    /// <summary>One row of the emotion log.</summary>
    public static EmotionRowDto ToRowDto(this EmotionRecord e) => new(e.Id, e.FaceId, e.PersonId, e.FrameId, e.Source, e.CapturedAt,
        e.ToEmotionDto(), e.Age, e.Gender, new BoxDto(e.X, e.Y, e.W, e.H));

    /// <summary>The person with the crop URL of its cover face.</summary>
    public static PersonDto ToDto(this Person p) => new(p.Id, p.Name, p.CreatedAt, p.CoverFaceId, p.Hidden, p.FaceCount, p.LastSeen,
        p.CoverFaceId is { } c ? $"/api/faces/{c}/crop" : null);
}
