using OpenCvSharp;

namespace FaceAspire.Vision.Imaging;

/// <summary>Encodes images to baseline JPEG with OpenCV's imencode (libjpeg-turbo; 4:2:0 chroma, JFIF, no EXIF).</summary>
public static class JpegEncoder
{
    /// <summary>Compresses <paramref name="image"/> to a new JPEG file.</summary>
    /// <param name="image">The pixels to encode; not modified.</param>
    /// <param name="quality">libjpeg quality 1..100 (IJG scale); 85 keeps faces sharp at roughly 1.5–2 bits per pixel.</param>
    /// <returns>The complete JPEG file (SOI…EOI).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="quality"/> is outside 1..100.</exception>
    /// <exception cref="InvalidOperationException">The encoder failed (e.g. out of memory).</exception>
    public static byte[] Encode(RgbImage image, int quality = 85)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var bgr = new Mat();
        Cv2.CvtColor(image.Mat, bgr, ColorConversionCodes.RGB2BGR);
        return EncodeBgr(bgr, quality);
    }

    /// <summary>Compresses a BGR (OpenCV order) CV_8UC3 or a gray CV_8UC1 matrix; as <see cref="Encode"/>.</summary>
    public static byte[] EncodeBgr(Mat bgr, int quality = 85)
    {
        ArgumentNullException.ThrowIfNull(bgr);
        ArgumentOutOfRangeException.ThrowIfLessThan(quality, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quality, 100);
        Cv2.ImEncode(".jpg", bgr, out byte[] jpeg, new ImageEncodingParam(ImwriteFlags.JpegQuality, quality));
        return jpeg.Length > 0 ? jpeg : throw new InvalidOperationException($"JPEG encoding of a {bgr.Cols}×{bgr.Rows} image failed.");
    }
}
