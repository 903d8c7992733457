using FaceAspire.Vision.Detection;

namespace FaceAspire.Vision.Alignment;

/// <summary>
/// A face quality score in [0, 1] used to pick each person's best face and cover: the mean of four terms, each in
/// [0, 1] — size (shorter box side / 112 px, capped at 1), detection score, frontal pose (1 − 2·|nose − eye midpoint|
/// / eye distance, horizontally; profile faces score 0) and sharpness (1 − exp(−var(Laplacian) / 150) on the aligned
/// gray crop; a heuristic after Pech-Pacheco et al., ICPR 2000, "Diatom autofocusing in brightfield microscopy").
/// </summary>
public static class FaceQuality
{
    /// <summary>Computes the score from the detection and its aligned RGB24 crop (<paramref name="size"/>² × 3 bytes).</summary>
    public static float Score(DetectedFace face, ReadOnlySpan<byte> alignedRgb, int size)
    {
        float sizeTerm = MathF.Min(1f, MathF.Min(face.Box.W, face.Box.H) / 112f);
        float poseTerm = Pose(face.Landmarks);
        float sharpTerm = 1f - MathF.Exp(-LaplacianVariance(alignedRgb, size) / 150f);
        return (sizeTerm + Math.Clamp(face.Score, 0f, 1f) + poseTerm + sharpTerm) / 4f;
    }

    /// <summary>Frontal-pose term in [0, 1] from 5 landmarks (1 = nose centred between the eyes).</summary>
    public static float Pose(ReadOnlySpan<Point2> landmarks)
    {
        if (landmarks.Length < 3) return 0;
        float eyeMidX = (landmarks[0].X + landmarks[1].X) / 2, eyeMidY = (landmarks[0].Y + landmarks[1].Y) / 2;
        float dx = landmarks[1].X - landmarks[0].X, dy = landmarks[1].Y - landmarks[0].Y;
        float eyeDistance = MathF.Sqrt(dx * dx + dy * dy);
        if (eyeDistance < 1e-3f) return 0;
        // Offset of the nose from the eye midpoint along the eye line, relative to the eye distance (roll-invariant).
        float along = ((landmarks[2].X - eyeMidX) * dx + (landmarks[2].Y - eyeMidY) * dy) / (eyeDistance * eyeDistance);
        return Math.Clamp(1f - 2f * MathF.Abs(along), 0f, 1f);
    }

    /// <summary>Variance of the 4-neighbour Laplacian of the luma of an RGB24 square image.</summary>
    public static float LaplacianVariance(ReadOnlySpan<byte> rgb, int size)
    {
        double sum = 0, sumSq = 0;
        int n = 0;
        for (int y = 1; y < size - 1; y++)
        {
            for (int x = 1; x < size - 1; x++)
            {
                float lap = Luma(rgb, size, x - 1, y) + Luma(rgb, size, x + 1, y) + Luma(rgb, size, x, y - 1)
                            + Luma(rgb, size, x, y + 1) - 4 * Luma(rgb, size, x, y);
                sum += lap; sumSq += lap * lap; n++;
            }
        }
        if (n == 0) return 0;
        double mean = sum / n;
        return (float)(sumSq / n - mean * mean);
    }

    private static float Luma(ReadOnlySpan<byte> rgb, int size, int x, int y)
    {
        int i = (y * size + x) * 3;
        return 0.299f * rgb[i] + 0.587f * rgb[i + 1] + 0.114f * rgb[i + 2];
    }
}
