using FaceAspire.Vision.Imaging;

namespace FaceAspire.Vision.Alignment;

/// <summary>Bilinear resampling of an <see cref="RgbImage"/> under an <see cref="Affine2"/> map.</summary>
public static class Warp
{
    /// <summary>
    /// Fills <paramref name="destination"/> (RGB24, <paramref name="width"/> × <paramref name="height"/> × 3 bytes) by
    /// sampling <paramref name="source"/> at <c>map(u, v)</c> with bilinear interpolation; samples outside the image
    /// are black (as OpenCV's warpAffine with BORDER_CONSTANT, which the models' training crops used).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too small.</exception>
    public static void Bilinear(RgbImage source, in Affine2 map, int width, int height, Span<byte> destination)
    {
        if (destination.Length < width * height * 3) throw new ArgumentException("Destination is smaller than width × height × 3.");
        ReadOnlySpan<byte> src = source.Pixels;
        int sw = source.Width, sh = source.Height, stride = source.Stride;
        int o = 0;
        for (int v = 0; v < height; v++)
        {
            float x = map.B * v + map.C, y = map.E * v + map.F;
            for (int u = 0; u < width; u++, x += map.A, y += map.D, o += 3)
            {
                int x0 = (int)MathF.Floor(x), y0 = (int)MathF.Floor(y);
                float fx = x - x0, fy = y - y0;
                if (x0 >= 0 && y0 >= 0 && x0 + 1 < sw && y0 + 1 < sh)
                {
                    int p = y0 * stride + x0 * 3;
                    for (int c = 0; c < 3; c++)
                    {
                        float top = src[p + c] + (src[p + 3 + c] - src[p + c]) * fx;
                        float bottom = src[p + stride + c] + (src[p + stride + 3 + c] - src[p + stride + c]) * fx;
                        destination[o + c] = (byte)(top + (bottom - top) * fy + 0.5f);
                    }
                }
                else
                {
                    for (int c = 0; c < 3; c++)
                    {
                        float top = Sample(src, sw, sh, stride, x0, y0, c) * (1 - fx) + Sample(src, sw, sh, stride, x0 + 1, y0, c) * fx;
                        float bottom = Sample(src, sw, sh, stride, x0, y0 + 1, c) * (1 - fx) + Sample(src, sw, sh, stride, x0 + 1, y0 + 1, c) * fx;
                        destination[o + c] = (byte)(top + (bottom - top) * fy + 0.5f);
                    }
                }
            }
        }
    }

    /// <summary>Returns a new <paramref name="width"/> × <paramref name="height"/> image sampled under <paramref name="map"/>.</summary>
    public static RgbImage ToImage(RgbImage source, in Affine2 map, int width, int height)
    {
        var image = new RgbImage(width, height);
        Bilinear(source, map, width, height, image.Pixels);
        return image;
    }

    private static float Sample(ReadOnlySpan<byte> src, int w, int h, int stride, int x, int y, int c) =>
        (uint)x < (uint)w && (uint)y < (uint)h ? src[y * stride + x * 3 + c] : 0f;
}
