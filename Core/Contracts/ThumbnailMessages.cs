namespace FaceAspire.Core.Contracts;

/// <summary>
/// Request (queue <c>make-thumbnail</c>, request/response): make the JPEG thumbnail of a stored frame image. The Api
/// sends it on a frame's first <c>GET /api/frames/{id}/thumbnail</c>, because the Api decodes no pixels (only the
/// worker carries the image decoder; docs/adr/0021). A worker decodes the stored image (at reduced size when it is
/// much larger), stores the thumbnail in <c>frame_images.thumbnail</c> unless one is there already, and answers
/// <see cref="ThumbnailMade"/> with the stored one, or <see cref="ImageRejected"/> (<see cref="ImageRejectionCodes.NoImage"/>
/// or <see cref="ImageRejectionCodes.BadImage"/>).
/// </summary>
/// <param name="FrameId">The frame whose stored image to shrink.</param>
/// <param name="MaxSide">Longer side of the thumbnail in pixels (aspect kept, never enlarged).</param>
/// <param name="Quality">JPEG quality 1–100.</param>
public sealed record MakeThumbnail(Guid FrameId, int MaxSide, int Quality);

/// <summary>Answer to <see cref="MakeThumbnail"/>: the frame's stored thumbnail.</summary>
/// <param name="Jpeg">The JPEG file.</param>
public sealed record ThumbnailMade(byte[] Jpeg);
