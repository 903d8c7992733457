namespace FaceAspire.Vision.Detection;

/// <summary>An axis-aligned box in pixels: top-left (X, Y), width W, height H.</summary>
public readonly record struct Box(float X, float Y, float W, float H)
{
    /// <summary>Area in square pixels.</summary>
    public float Area => MathF.Max(0, W) * MathF.Max(0, H);

    /// <summary>Intersection over union with <paramref name="other"/>, in [0, 1].</summary>
    public float IoU(in Box other)
    {
        float ix = MathF.Max(0, MathF.Min(X + W, other.X + other.W) - MathF.Max(X, other.X));
        float iy = MathF.Max(0, MathF.Min(Y + H, other.Y + other.H) - MathF.Max(Y, other.Y));
        float inter = ix * iy;
        float union = Area + other.Area - inter;
        return union <= 0 ? 0 : inter / union;
    }
}

/// <summary>A 2-D point in pixels.</summary>
public readonly record struct Point2(float X, float Y);

/// <summary>
/// One detected face in original-image pixels. <see cref="Landmarks"/> holds 5 points in YuNet's order: right eye,
/// left eye, nose tip, right mouth corner, left mouth corner (the subject's right, i.e. the image's left side).
/// </summary>
/// <param name="Box">Face box in original pixels.</param>
/// <param name="Landmarks">5 landmark points in original pixels.</param>
/// <param name="Score">Detection confidence in [0, 1].</param>
public sealed record DetectedFace(Box Box, Point2[] Landmarks, float Score);
