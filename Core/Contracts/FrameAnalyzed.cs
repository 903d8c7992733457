using MassTransit;

namespace FaceAspire.Core.Contracts;

/// <summary>
/// Event: a frame finished processing (successfully or not). The Worker writes it to the outbox in the transaction
/// that stores the result (or the failure), and an outbox relay publishes it after that commit (ADR 0017, ADR 0024):
/// once per result, at least once (a relay crash between the broker's confirm and its own commit sends a batch
/// again, so subscribers should be idempotent by <see cref="FrameId"/>). A redelivered <see cref="AnalyzeFrame"/> for
/// a frame that is already done writes nothing.
/// </summary>
/// <param name="FrameId">The frame's id.</param>
/// <param name="Status">One of <see cref="FrameStatus"/>: <c>done</c> or <c>failed</c>.</param>
/// <param name="FaceCount">Number of faces stored for the frame (= <paramref name="Faces"/>.Count).</param>
/// <param name="Faces">The stored faces in detection order; empty when none was found or the frame failed.</param>
/// <param name="Error">Why the frame failed (e.g. "image could not be decoded"); null when done.</param>
/// <param name="CapturedAt">When the image was taken.</param>
/// <param name="Source">The frame's source (camera name), or null.</param>
[EntityName(MessagingNames.FrameAnalyzedExchange)]
public sealed record FrameAnalyzed(
    Guid FrameId,
    string Status,
    int FaceCount,
    IReadOnlyList<AnalyzedFace> Faces,
    string? Error,
    DateTimeOffset CapturedAt,
    string? Source);

/// <summary>One face of a <see cref="FrameAnalyzed"/> event.</summary>
/// <param name="FaceId">Primary key of the <c>faces</c> row.</param>
/// <param name="PersonId">The person the face was assigned to; null only if the face is unassigned.</param>
/// <param name="NewPerson">True when this face opened a new person (no earlier face matched).</param>
/// <param name="X">Left edge of the detector box, pixels in the (EXIF-oriented) decoded image.</param>
/// <param name="Y">Top edge of the box, pixels.</param>
/// <param name="W">Box width, pixels.</param>
/// <param name="H">Box height, pixels.</param>
/// <param name="Emotion">Dominant emotion, one of <see cref="EmotionLabels.All"/>.</param>
/// <param name="Confidence">Probability of the dominant emotion, in [0, 1].</param>
public sealed record AnalyzedFace(
    Guid FaceId,
    Guid? PersonId,
    bool NewPerson,
    float X,
    float Y,
    float W,
    float H,
    string Emotion,
    float Confidence);
