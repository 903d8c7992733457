using TJ = FaceAspire.Vision.Interop.TurboJpeg;

namespace FaceAspire.Vision.Imaging;

/// <summary>Encodes RGB24 images to baseline JPEG with libjpeg-turbo (4:2:0 chroma subsampling, JFIF, no EXIF).</summary>
public static class JpegEncoder
{
    /// <summary>Compresses <paramref name="image"/> to a new JPEG file.</summary>
    /// <param name="image">The pixels to encode; not modified.</param>
    /// <param name="quality">libjpeg quality 1..100 (IJG scale); 85 keeps faces sharp at roughly 1.5–2 bits per pixel.</param>
    /// <returns>The complete JPEG file (SOI…EOI).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="quality"/> is outside 1..100.</exception>
    /// <exception cref="InvalidOperationException">libjpeg-turbo failed (e.g. out of memory); carries its message.</exception>
    public static byte[] Encode(RgbImage image, int quality = 85)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        return TurboJpegCodec.Encode(image.Pixels, image.Width, image.Height, TJ.PixelFormatRgb, TJ.Subsampling420, quality);
    }
}
