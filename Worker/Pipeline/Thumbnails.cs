using FaceAspire.Vision.Imaging;

namespace FaceAspire.Worker.Pipeline;

/// <summary>The photo thumbnails stored in <c>frame_images.thumbnail</c> (written by Core's <c>FrameWriter.WriteAsync</c>).</summary>
public static class Thumbnails
{
    /// <summary>Longer side of a thumbnail, pixels.</summary>
    public const int MaxSide = 300;

    /// <summary>JPEG quality of a thumbnail (1–100).</summary>
    public const int Quality = 80;

    /// <summary>
    /// A JPEG of <paramref name="image"/> shrunk so its longer side is <see cref="MaxSide"/> px (aspect kept, never
    /// enlarged), by Vision's area-averaging <see cref="ImageOps.Thumbnail"/> and <see cref="JpegEncoder"/>.
    /// </summary>
    public static byte[] Encode(RgbImage image)
    {
        using var small = ImageOps.Thumbnail(image, MaxSide);
        return JpegEncoder.Encode(small, Quality);
    }
}
