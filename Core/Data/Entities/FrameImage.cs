namespace FaceAspire.Core.Data.Entities;

/// <summary>The bytes of a frame (table <c>frame_images</c>, 1:1 with <see cref="Frame"/>, deleted with it).</summary>
public sealed class FrameImage
{
    /// <summary>Primary key and foreign key to <c>frames.id</c>.</summary>
    public Guid FrameId { get; set; }
    /// <summary>The image exactly as uploaded (JPEG, PNG, ...).</summary>
    public byte[] Content { get; set; } = [];
    /// <summary>MIME type of <see cref="Content"/>, e.g. <c>image/jpeg</c>.</summary>
    public string ContentType { get; set; } = "";
    /// <summary>Small JPEG preview for lists, or null until made.</summary>
    public byte[]? Thumbnail { get; set; }
}
