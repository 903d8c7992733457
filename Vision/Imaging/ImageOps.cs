namespace FaceAspire.Vision.Imaging;

/// <summary>Geometric operations on <see cref="RgbImage"/>. Each returns a new image the caller disposes; inputs are not modified.</summary>
public static class ImageOps
{
    /// <summary>
    /// Resamples to exactly <paramref name="width"/> × <paramref name="height"/> (aspect ratio is not preserved).
    /// A shrinking axis uses area averaging (each output pixel is the coverage-weighted mean of the source pixels it
    /// spans, so no aliasing); an enlarging axis uses bilinear interpolation with pixel centres at i + ½ (the
    /// convention of OpenCV's INTER_LINEAR and INTER_AREA). Fixed-point, error ≤ 1 level per channel.
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
            src.Pixels.CopyTo(dst.Pixels);
            return dst;
        }
        Resampler.Resize(src, dst);
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
        if (left >= right || top >= bottom)
        {
            dst.Pixels.Fill(fill);
            return dst;
        }
        if (left > x || right < (long)x + width || top > y || bottom < (long)y + height) dst.Pixels.Fill(fill);
        int copyBytes = (int)(right - left) * 3;
        int dstX = (int)(left - x) * 3;
        for (long sy = top; sy < bottom; sy++)
        {
            src.Row((int)sy).Slice((int)left * 3, copyBytes).CopyTo(dst.Row((int)(sy - y)).Slice(dstX));
        }
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
        int longer = Math.Max(src.Width, src.Height);
        if (longer <= maxSide) return Resize(src, src.Width, src.Height);
        double scale = (double)maxSide / longer;
        int width = src.Width >= src.Height ? maxSide : Math.Max(1, (int)Math.Round(src.Width * scale));
        int height = src.Height > src.Width ? maxSide : Math.Max(1, (int)Math.Round(src.Height * scale));
        return Resize(src, width, height);
    }
}
