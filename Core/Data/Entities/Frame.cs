using FaceAspire.Core.Contracts;

namespace FaceAspire.Core.Data.Entities;

/// <summary>
/// One submitted image (table <c>frames</c>). The bytes live in <see cref="FrameImage"/> so that listing frames
/// never reads blobs. <see cref="Sha256"/> is unique: posting the same bytes twice yields the same frame.
/// </summary>
public sealed class Frame
{
    /// <summary>Primary key (client-independent, generated at ingest).</summary>
    public Guid Id { get; set; }
    /// <summary>Lower-case hex SHA-256 of the image bytes (64 chars); unique, the idempotency key.</summary>
    public string Sha256 { get; set; } = "";
    /// <summary>Camera or uploader name; null when none was given.</summary>
    public string? Source { get; set; }
    /// <summary>When the image was taken (UTC; Npgsql only writes offset-0 values to timestamptz).</summary>
    public DateTimeOffset CapturedAt { get; set; }
    /// <summary>When the Api accepted it (database clock).</summary>
    public DateTimeOffset ReceivedAt { get; set; }
    /// <summary>Decoded width in pixels after EXIF orientation; null until analysed.</summary>
    public int? Width { get; set; }
    /// <summary>Decoded height in pixels after EXIF orientation; null until analysed.</summary>
    public int? Height { get; set; }
    /// <summary>One of <see cref="FrameStatus"/> (check constraint <c>ck_frames_status</c>).</summary>
    public string Status { get; set; } = FrameStatus.Queued;
    /// <summary>Why the last attempt failed; null when none did.</summary>
    public string? Error { get; set; }
    /// <summary>How many times a worker started on the frame.</summary>
    public int Attempts { get; set; }
    /// <summary>When a worker last started on the frame (database clock); null before the first claim.</summary>
    public DateTimeOffset? ClaimedAt { get; set; }
    /// <summary>Client metadata as a JSON document (jsonb), or null.</summary>
    public string? Metadata { get; set; }
    /// <summary>The image bytes (1:1, cascade delete).</summary>
    public FrameImage? Image { get; set; }
    /// <summary>Faces found in the frame.</summary>
    public List<Face> Faces { get; set; } = [];
}
