using OpenCvSharp;

namespace FaceAspire.Vision.Imaging;

/// <summary>Small JPEG previews of stored photos, made where the decoder lives (the worker; docs/adr/0021).</summary>
public static class Thumbnail
{
    /// <summary>
    /// A JPEG of <paramref name="encoded"/> (EXIF orientation applied) shrunk so its longer side is
    /// <paramref name="maxSide"/> px (aspect kept, never enlarged; area averaging). Large JPEGs are decoded at 1/2,
    /// 1/4 or 1/8 size first (<see cref="ImageDecoder.DecodeForThumbnail"/>).
    /// </summary>
    /// <exception cref="ImageDecodeException">The bytes cannot be decoded within the decoder's limits.</exception>
    public static byte[] Make(ImageDecoder decoder, ReadOnlySpan<byte> encoded, int maxSide, int quality)
    {
        using var decoded = decoder.DecodeForThumbnail(encoded, maxSide);
        var (width, height) = ImageOps.ThumbnailSize(decoded.Cols, decoded.Rows, maxSide);
        if (width == decoded.Cols && height == decoded.Rows) return JpegEncoder.EncodeBgr(decoded, quality);
        using var small = new Mat();
        Cv2.Resize(decoded, small, new Size(width, height), 0, 0, InterpolationFlags.Area);
        return JpegEncoder.EncodeBgr(small, quality);
    }
}
