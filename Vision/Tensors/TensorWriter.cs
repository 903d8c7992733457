using FaceAspire.Vision.Models;

namespace FaceAspire.Vision.Tensors;

/// <summary>Turns RGB24 pixels into a model's NCHW float input as its <see cref="Preprocessing"/> says.</summary>
public static class TensorWriter
{
    /// <summary>Number of input channels for a colour order: 1 for GRAY, else 3.</summary>
    public static int Channels(Preprocessing p) => IsGray(p) ? 1 : 3;

    /// <summary>
    /// Writes <paramref name="rgb"/> (RGB24, <paramref name="width"/> × <paramref name="height"/>) as planar floats into
    /// <paramref name="destination"/> (C × H × W): value = (pixel − mean[c]) / std[c] in the model's channel order; GRAY
    /// uses ITU-R BT.601 luma 0.299 R + 0.587 G + 0.114 B (what OpenCV's cvtColor, used by the training code, computes).
    /// <paramref name="mirror"/> writes the horizontal mirror image (column x read from width − 1 − x), for flip averaging.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than C × H × W.</exception>
    public static void Write(ReadOnlySpan<byte> rgb, int width, int height, Preprocessing p, Span<float> destination, bool mirror = false)
    {
        int plane = width * height, channels = Channels(p);
        if (destination.Length < channels * plane) throw new ArgumentException("Destination is shorter than C × H × W.");
        float[] mean = Expand(p.Mean, channels, 0f), std = Expand(p.Std, channels, 1f);
        if (channels == 1)
        {
            float m = mean[0], inv = 1f / std[0];
            for (int i = 0; i < plane; i++)
            {
                int s = Source(i, width, mirror);
                destination[i] = ((0.299f * rgb[s] + 0.587f * rgb[s + 1] + 0.114f * rgb[s + 2]) - m) * inv;
            }
            return;
        }
        bool bgr = string.Equals(p.Color, "BGR", StringComparison.OrdinalIgnoreCase);
        // Output channel k reads source channel order[k]; mean/std are given in the model's channel order.
        int c0 = bgr ? 2 : 0, c2 = bgr ? 0 : 2;
        float m0 = mean[0], m1 = mean[1], m2 = mean[2], i0 = 1f / std[0], i1 = 1f / std[1], i2 = 1f / std[2];
        Span<float> d0 = destination[..plane], d1 = destination.Slice(plane, plane), d2 = destination.Slice(2 * plane, plane);
        for (int i = 0; i < plane; i++)
        {
            int s = Source(i, width, mirror);
            d0[i] = (rgb[s + c0] - m0) * i0;
            d1[i] = (rgb[s + 1] - m1) * i1;
            d2[i] = (rgb[s + c2] - m2) * i2;
        }
    }

    // Byte offset of the pixel that output pixel i reads.
    private static int Source(int i, int width, bool mirror)
    {
        if (!mirror) return i * 3;
        int y = i / width, x = i - y * width;
        return (y * width + width - 1 - x) * 3;
    }

    private static bool IsGray(Preprocessing p) =>
        string.Equals(p.Color, "GRAY", StringComparison.OrdinalIgnoreCase) || string.Equals(p.Color, "GREY", StringComparison.OrdinalIgnoreCase);

    private static float[] Expand(float[]? values, int channels, float fallback)
    {
        if (values is null || values.Length == 0) return Enumerable.Repeat(fallback, channels).ToArray();
        return values.Length >= channels ? values : Enumerable.Repeat(values[0], channels).ToArray();
    }
}
