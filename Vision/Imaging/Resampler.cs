using System.Buffers;
using System.Numerics;

namespace FaceAspire.Vision.Imaging;

/// <summary>
/// Separable fixed-point resampling: box (area-average) weights on a shrinking axis, bilinear (triangle) weights on
/// an enlarging one. Rows stream through one 16-bit intermediate row: a SIMD vertical pass, then a scalar horizontal one.
/// </summary>
internal static unsafe class Resampler
{
    private const int WeightBits = 14;          // weights sum to 2^14 per output sample
    private const int MidShift = WeightBits - 8; // vertical result kept as value·256 in a ushort
    private const int OutShift = WeightBits + 8; // horizontal result back to 0..255

    /// <summary>Per output coordinate: first source index, tap count and fixed-point weights (row-major, stride MaxTaps).</summary>
    private sealed record AxisWeights(int[] Start, int[] Count, int[] Weights, int MaxTaps);

    public static void Resize(RgbImage src, RgbImage dst)
    {
        var wx = Compute(src.Width, dst.Width);
        var wy = Compute(src.Height, dst.Height);
        int srcStride = src.Stride;
        ushort[] mid = ArrayPool<ushort>.Shared.Rent(srcStride);
        try
        {
            fixed (byte* s = src.Pixels)
            fixed (byte* d = dst.Pixels)
            fixed (ushort* m = mid)
            fixed (int* wxw = wx.Weights)
            fixed (int* wyw = wy.Weights)
            {
                for (int y = 0; y < dst.Height; y++)
                {
                    Vertical(s + (long)wy.Start[y] * srcStride, srcStride, wy.Count[y], wyw + y * wy.MaxTaps, m, srcStride);
                    Horizontal(m, wx, wxw, d + (long)y * dst.Stride, dst.Width);
                }
            }
        }
        finally
        {
            ArrayPool<ushort>.Shared.Return(mid);
        }
    }

    // mid[i] = Σ_k w_k · row_k[i] >> 6, i.e. the filtered byte value scaled by 256 (≤ 65280).
    private static void Vertical(byte* first, int stride, int taps, int* weights, ushort* mid, int length)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int step = Vector<byte>.Count;
            for (; i <= length - step; i += step)
            {
                Vector<uint> a0 = default, a1 = default, a2 = default, a3 = default;
                for (int k = 0; k < taps; k++)
                {
                    var w = new Vector<uint>((uint)weights[k]);
                    var v = Vector.Load(first + (long)k * stride + i);
                    Vector.Widen(v, out Vector<ushort> lo, out Vector<ushort> hi);
                    Vector.Widen(lo, out Vector<uint> u0, out Vector<uint> u1);
                    Vector.Widen(hi, out Vector<uint> u2, out Vector<uint> u3);
                    a0 += u0 * w; a1 += u1 * w; a2 += u2 * w; a3 += u3 * w;
                }
                var half = new Vector<uint>(1u << (MidShift - 1));
                Vector.Store(Vector.Narrow(Vector.ShiftRightLogical(a0 + half, MidShift), Vector.ShiftRightLogical(a1 + half, MidShift)), mid + i);
                Vector.Store(Vector.Narrow(Vector.ShiftRightLogical(a2 + half, MidShift), Vector.ShiftRightLogical(a3 + half, MidShift)), mid + i + step / 2);
            }
        }
        for (; i < length; i++)
        {
            uint acc = 0;
            for (int k = 0; k < taps; k++) acc += (uint)weights[k] * first[(long)k * stride + i];
            mid[i] = (ushort)((acc + (1u << (MidShift - 1))) >> MidShift);
        }
    }

    private static void Horizontal(ushort* mid, AxisWeights wx, int* weights, byte* dst, int width)
    {
        const uint half = 1u << (OutShift - 1);
        for (int x = 0; x < width; x++, dst += 3)
        {
            ushort* p = mid + wx.Start[x] * 3;
            int* w = weights + x * wx.MaxTaps;
            uint r = half, g = half, b = half;
            for (int k = wx.Count[x]; k > 0; k--, p += 3, w++)
            {
                uint wk = (uint)*w;
                r += wk * p[0];
                g += wk * p[1];
                b += wk * p[2];
            }
            dst[0] = (byte)(r >> OutShift);
            dst[1] = (byte)(g >> OutShift);
            dst[2] = (byte)(b >> OutShift);
        }
    }

    /// <summary>Weights for mapping <paramref name="srcN"/> samples to <paramref name="dstN"/> with pixel centres at i + ½.</summary>
    private static AxisWeights Compute(int srcN, int dstN)
    {
        double scale = (double)srcN / dstN;
        int maxTaps = dstN < srcN ? (int)Math.Ceiling(scale) + 2 : 2;
        var start = new int[dstN];
        var count = new int[dstN];
        var weights = new int[dstN * maxTaps];
        var real = new double[maxTaps];
        for (int d = 0; d < dstN; d++)
        {
            int first, n;
            Array.Clear(real);
            if (dstN < srcN)
            {
                // Area average: source pixel i contributes the length of [i, i+1) ∩ [d·scale, (d+1)·scale).
                double lo = d * scale, hi = Math.Min((d + 1) * scale, srcN);
                first = (int)Math.Floor(lo);
                n = Math.Min((int)Math.Ceiling(hi), srcN) - first;
                for (int k = 0; k < n; k++)
                    real[k] = Math.Max(0, Math.Min(hi, first + k + 1) - Math.Max(lo, first + k)) / scale;
            }
            else
            {
                // Bilinear: sample at the source position of the output pixel centre, clamped at the borders.
                double centre = Math.Clamp((d + 0.5) * scale - 0.5, 0, srcN - 1);
                first = Math.Min((int)centre, srcN - 1);
                double frac = centre - first;
                n = first + 1 < srcN ? 2 : 1;
                real[0] = 1 - frac;
                if (n == 2) real[1] = frac;
            }
            Quantize(real.AsSpan(0, n), weights.AsSpan(d * maxTaps, n));
            // Drop taps whose weight rounded to zero so the inner loops skip them.
            int skip = 0;
            while (skip < n - 1 && weights[d * maxTaps + skip] == 0) skip++;
            if (skip > 0) weights.AsSpan(d * maxTaps + skip, n - skip).CopyTo(weights.AsSpan(d * maxTaps));
            first += skip; n -= skip;
            while (n > 1 && weights[d * maxTaps + n - 1] == 0) n--;
            start[d] = first;
            count[d] = n;
        }
        return new AxisWeights(start, count, weights, maxTaps);
    }

    // Rounds weights to 2^14 fixed point and puts the rounding residue on the largest, so flat areas stay exact.
    private static void Quantize(ReadOnlySpan<double> real, Span<int> fixedPoint)
    {
        double total = 0;
        foreach (double r in real) total += r;
        int sum = 0, largest = 0;
        for (int k = 0; k < real.Length; k++)
        {
            fixedPoint[k] = (int)Math.Round(real[k] / total * (1 << WeightBits));
            sum += fixedPoint[k];
            if (fixedPoint[k] > fixedPoint[largest]) largest = k;
        }
        fixedPoint[largest] += (1 << WeightBits) - sum;
    }
}
