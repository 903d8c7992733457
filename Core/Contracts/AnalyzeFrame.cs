namespace FaceAspire.Core.Contracts;

/// <summary>
/// Command: analyse one stored frame. Sent by the Api through the transactional outbox when a frame is accepted;
/// consumed by exactly one Worker (competing consumers). The message carries no image bytes: the worker loads them
/// from <c>frame_images</c> by <paramref name="FrameId"/>, so RabbitMQ never holds blobs.
/// </summary>
/// <param name="FrameId">Primary key of the <c>frames</c> row.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the image bytes (64 chars), the frame's idempotency key.</param>
/// <param name="Source">Free-form camera or uploader name; null when the client gave none.</param>
/// <param name="CapturedAt">When the image was taken (client clock, UTC offset 0 after ingest).</param>
public sealed record AnalyzeFrame(Guid FrameId, string Sha256, string? Source, DateTimeOffset CapturedAt);
