using FaceAspire.Vision.Detection;

namespace FaceAspire.Vision.Alignment;

/// <summary>
/// A 2-D affine map: x' = A·x + B·y + C, y' = D·x + E·y + F. Used from crop coordinates to source-image coordinates,
/// so a warp samples the source at <c>Map(u, v)</c> for every output pixel (u, v).
/// </summary>
public readonly record struct Affine2(float A, float B, float C, float D, float E, float F)
{
    /// <summary>Applies the map to (x, y).</summary>
    public Point2 Map(float x, float y) => new(A * x + B * y + C, D * x + E * y + F);

    /// <summary>Maps an axis-aligned source rectangle onto a <paramref name="width"/> × <paramref name="height"/> output (scale + translate).</summary>
    public static Affine2 FromRect(float x, float y, float w, float h, int width, int height) =>
        new(w / width, 0, x + 0.5f * w / width - 0.5f, 0, h / height, y + 0.5f * h / height - 0.5f);

    /// <summary>
    /// Least-squares similarity transform (rotation, uniform scale, translation; no reflection) taking each
    /// <paramref name="from"/>[i] to <paramref name="to"/>[i]. Closed form of Umeyama (1991), "Least-squares estimation
    /// of transformation parameters between two point patterns", IEEE TPAMI 13(4), restricted to 2-D similarity —
    /// the same estimate as scikit-image's SimilarityTransform used by insightface's <c>norm_crop</c>.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than 2 points, lengths differ, or all source points coincide.</exception>
    public static Affine2 Similarity(ReadOnlySpan<Point2> from, ReadOnlySpan<Point2> to)
    {
        if (from.Length != to.Length || from.Length < 2)
            throw new ArgumentException("Similarity needs two equally long point sets of at least 2 points.");
        float mfx = 0, mfy = 0, mtx = 0, mty = 0;
        for (int i = 0; i < from.Length; i++) { mfx += from[i].X; mfy += from[i].Y; mtx += to[i].X; mty += to[i].Y; }
        mfx /= from.Length; mfy /= from.Length; mtx /= from.Length; mty /= from.Length;
        double a = 0, b = 0, variance = 0;
        for (int i = 0; i < from.Length; i++)
        {
            double fx = from[i].X - mfx, fy = from[i].Y - mfy, tx = to[i].X - mtx, ty = to[i].Y - mty;
            a += fx * tx + fy * ty;
            b += fx * ty - fy * tx;
            variance += fx * fx + fy * fy;
        }
        if (variance < 1e-12) throw new ArgumentException("Source points coincide; no similarity transform exists.");
        float c = (float)(a / variance), s = (float)(b / variance);
        // [x';y'] = [[c, -s], [s, c]]·[x; y] + t, with t taking the source mean to the target mean.
        return new Affine2(c, -s, mtx - (c * mfx - s * mfy), s, c, mty - (s * mfx + c * mfy));
    }
}
