using FaceAspire.Vision.Detection;
using FaceAspire.Vision.Imaging;

namespace FaceAspire.Vision.Alignment;

/// <summary>Face crops: 5-point ArcFace alignment and box-centred squares, as affine maps from crop to image pixels.</summary>
public static class FaceAligner
{
    /// <summary>
    /// The standard ArcFace 112 × 112 landmark template (right eye, left eye, nose, right mouth corner, left mouth
    /// corner in image order), from insightface python-package/insightface/utils/face_align.py (<c>arcface_dst</c>).
    /// </summary>
    public static ReadOnlySpan<Point2> ArcFaceTemplate => Template;

    private static readonly Point2[] Template =
    [
        new(38.2946f, 51.6963f), new(73.5318f, 51.5014f), new(56.0252f, 71.7366f),
        new(41.5493f, 92.3655f), new(70.7299f, 92.2041f),
    ];

    /// <summary>
    /// The map from a <paramref name="size"/> × <paramref name="size"/> aligned crop to image pixels: a least-squares
    /// similarity taking the (scaled) template onto the detected landmarks.
    /// </summary>
    /// <exception cref="ArgumentException">The face has no 5 landmarks or they coincide.</exception>
    public static Affine2 ArcFaceMap(DetectedFace face, int size = 112)
    {
        if (face.Landmarks.Length != 5) throw new ArgumentException("ArcFace alignment needs 5 landmarks.", nameof(face));
        Span<Point2> template = stackalloc Point2[5];
        float k = size / 112f;
        for (int i = 0; i < 5; i++) template[i] = new(ArcFaceTemplate[i].X * k, ArcFaceTemplate[i].Y * k);
        return Affine2.Similarity(template, face.Landmarks);
    }

    /// <summary>
    /// The map from a <paramref name="size"/>-pixel square crop to image pixels: a square centred on the box, side =
    /// max(w, h) × (1 + 2·<paramref name="margin"/>). Parts outside the image are sampled as black.
    /// </summary>
    public static Affine2 SquareMap(in Box box, float margin, int size)
    {
        float side = MathF.Max(box.W, box.H) * (1 + 2 * margin);
        float cx = box.X + box.W / 2, cy = box.Y + box.H / 2;
        return Affine2.FromRect(cx - side / 2, cy - side / 2, side, side, size, size);
    }

    /// <summary>The 112 × 112 aligned crop as an image (for review thumbnails and embedding).</summary>
    public static RgbImage AlignedCrop(RgbImage image, DetectedFace face, int size = 112) =>
        Warp.ToImage(image, ArcFaceMap(face, size), size, size);
}
