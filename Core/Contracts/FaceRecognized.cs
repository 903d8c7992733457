using MassTransit;

namespace FaceAspire.Core.Contracts;

/// <summary>
/// Event: one face was stored and assigned to a person. Written to the outbox with the frame's result, one per face,
/// next to <see cref="FrameAnalyzed"/>, and published by an outbox relay after the commit (ADR 0017, ADR 0024);
/// lets per-person subscribers (alerts, engagement) avoid parsing whole frames.
/// </summary>
/// <param name="FaceId">Primary key of the <c>faces</c> row.</param>
/// <param name="FrameId">The frame the face was found in.</param>
/// <param name="PersonId">The person the face was assigned to.</param>
/// <param name="NewPerson">True when this face opened the person.</param>
/// <param name="Emotion">Dominant emotion, one of <see cref="EmotionLabels.All"/>.</param>
/// <param name="Confidence">Probability of the dominant emotion, in [0, 1].</param>
/// <param name="Quality">Face quality score in [0, 1] (higher is better), from the Vision engine.</param>
/// <param name="CapturedAt">When the frame was taken.</param>
/// <param name="Source">The frame's source, or null.</param>
[EntityName(MessagingNames.FaceRecognizedExchange)]
public sealed record FaceRecognized(
    Guid FaceId,
    Guid FrameId,
    Guid PersonId,
    bool NewPerson,
    string Emotion,
    float Confidence,
    float Quality,
    DateTimeOffset CapturedAt,
    string? Source);
