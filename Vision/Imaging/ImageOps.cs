using OpenCvSharp;

namespace FaceAspire.Vision.Imaging;

/// <summary>Geometric operations on <see cref="RgbImage"/> (OpenCV). Each returns a new image the caller disposes; inputs are not modified.</summary>
public static class ImageOps
{
    /// <summary>
    /// Resamples to exactly <paramref name="width"/> × <paramref name="height"/> (aspect ratio is not preserved).
    /// Shrinking on both axes uses area averaging (OpenCV INTER_AREA: each output pixel is the coverage-weighted mean
    /// of the source pixels it spans, so no aliasing); otherwise bilinear interpolation with pixel centres at i + ½
    /// (INTER_LINEAR). Fixed-point inside OpenCV, error ≤ 1 level per channel.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A target side is not positive.</exception>
    public static RgbImage Resize(RgbImage src, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(src);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var dst = new RgbImage(width, height);
        if (width == src.Width && height == src.Height)
        {
            src.Mat.CopyTo(dst.Mat);
            return dst;
        }
        var interpolation = width <= src.Width && height <= src.Height ? InterpolationFlags.Area : InterpolationFlags.Linear;
        Cv2.Resize(src.Mat, dst.Mat, new Size(width, height), 0, 0, interpolation);
        return dst;
    }

    /// <summary>
    /// Copies the rectangle at (<paramref name="x"/>, <paramref name="y"/>) of size <paramref name="width"/> ×
    /// <paramref name="height"/> (pixels; x right, y down). The rectangle may extend past any edge or lie fully outside;
    /// uncovered pixels get <paramref name="fill"/> in all three channels (e.g. to pad a face crop near the border).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A side is not positive.</exception>
    public static RgbImage Crop(RgbImage src, int x, int y, int width, int height, byte fill = 0)
    {
        ArgumentNullException.ThrowIfNull(src);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var dst = new RgbImage(width, height);
        // The part of the rectangle that overlaps the source, in source coordinates (long: x + width may overflow).
        long left = Math.Max(x, 0L), right = Math.Min((long)x + width, src.Width);
        long top = Math.Max(y, 0L), bottom = Math.Min((long)y + height, src.Height);
        if (left >= right || top >= bottom || left > x || right < (long)x + width || top > y || bottom < (long)y + height)
            dst.Mat.SetTo(Scalar.All(fill));
        if (left >= right || top >= bottom) return dst;
        var from = new Rect((int)left, (int)top, (int)(right - left), (int)(bottom - top));
        using var source = new Mat(src.Mat, from);
        using var target = new Mat(dst.Mat, new Rect((int)(left - x), (int)(top - y), from.Width, from.Height));
        source.CopyTo(target);
        return dst;
    }

    /// <summary>
    /// Shrinks so that the longer side is <paramref name="maxSide"/> pixels, keeping the aspect ratio (the shorter
    /// side is rounded, at least 1). Never enlarges: an image already within bounds is returned as a copy.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxSide"/> is not positive.</exception>
    public static RgbImage Thumbnail(RgbImage src, int maxSide)
    {
        ArgumentNullException.ThrowIfNull(src);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSide);
        var (width, height) = ThumbnailSize(src.Width, src.Height, maxSide);
        return Resize(src, width, height);
    }

    /// <summary>The size <see cref="Thumbnail"/> gives a <paramref name="width"/> × <paramref name="height"/> image.</summary>
    public static (int Width, int Height) ThumbnailSize(int width, int height, int maxSide)
    {
        int longer = Math.Max(width, height);
        if (longer <= maxSide) return (width, height);
        double scale = (double)maxSide / longer;
        return (width >= height ? maxSide : Math.Max(1, (int)Math.Round(width * scale)),
                height > width ? maxSide : Math.Max(1, (int)Math.Round(height * scale)));
    }
}
