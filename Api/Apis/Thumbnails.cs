using FaceAspire.Vision.Imaging;

namespace FaceAspire.Api.Apis;

/// <summary>
/// The photo thumbnails kept in <c>frame_images.thumbnail</c>. They are made on first request
/// (<see cref="ThumbnailsApi"/>), not by the worker: the resize and JPEG encode cost about 1 ms of CPU per frame,
/// which the pipeline would otherwise pay for every camera frame, including the many nobody ever looks at.
/// </summary>
public static class Thumbnails
{
    /// <summary>Longer side of a thumbnail, pixels.</summary>
    public const int MaxSide = 300;

    /// <summary>JPEG quality of a thumbnail (1–100).</summary>
    public const int Quality = 80;

    /// <summary>
    /// A JPEG of <paramref name="encoded"/> (any format Vision decodes, EXIF orientation applied) shrunk so its longer
    /// side is <see cref="MaxSide"/> px (aspect kept, never enlarged), by Vision's area-averaging
    /// <see cref="ImageOps.Thumbnail"/> and <see cref="JpegEncoder"/>.
    /// </summary>
    /// <exception cref="ImageDecodeException">The stored bytes cannot be decoded within <paramref name="limits"/>.</exception>
    public static byte[] Encode(ReadOnlySpan<byte> encoded, ImageLimits limits)
    {
        using var image = new ImageDecoder(limits).Decode(encoded);
        using var small = ImageOps.Thumbnail(image, MaxSide);
        return JpegEncoder.Encode(small, Quality);
    }
}
