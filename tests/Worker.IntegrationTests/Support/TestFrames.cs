using System.Security.Cryptography;
using FaceAspire.Vision;
using FaceAspire.Vision.Alignment;
using FaceAspire.Testing;
using FaceAspire.Vision.Imaging;

namespace FaceAspire.Worker.IntegrationTests.Support;

/// <summary>
/// Real photos from ../shared/data and distinct variants of them (small crops / scale jitter / JPEG quality via
/// Vision's imaging), so that many frames have different sha256s but known faces.
/// </summary>
public static class TestFrames
{
    private static readonly Lazy<FaceAnalyzer> LazyAnalyzer = new(() => new FaceAnalyzer(new VisionOptions()));

    /// <summary>One analyzer for the test process (detection checks only).</summary>
    public static FaceAnalyzer Analyzer => LazyAnalyzer.Value;

    /// <summary>The knn_examples/train folder: one sub-folder of photos per person.</summary>
    public static string KnnTrain => SharedData.PathOf("identities/face_recognition/knn_examples/train");

    /// <summary>A file under knn_examples/test.</summary>
    public static string KnnTest(string name) => SharedData.PathOf(Path.Combine("identities/face_recognition/knn_examples/test", name));

    /// <summary>Number of faces the engine detects in <paramref name="jpeg"/>.</summary>
    public static int CountFaces(byte[] jpeg) => Analyzer.Analyze(jpeg, new AnalysisRequest(false, false, false)).Faces.Count;

    /// <summary>
    /// A 640 × 480 webcam-like JPEG around the largest face of <paramref name="photo"/>: scaled to cover the frame
    /// with the face at most ~40 % of its height, then jittered by <paramref name="variant"/> (shift of a few
    /// pixels, ±3 % scale, JPEG quality 80–94), so each variant has different bytes.
    /// </summary>
    /// <returns>The JPEG, or null when the photo has no face or cannot be decoded (some .jpg files are WebP).</returns>
    public static byte[]? Webcam640(byte[] photo, int variant)
    {
        RgbImage decoded;
        try
        {
            decoded = Analyzer.Decoder.Decode(photo);
        }
        catch (ImageDecodeException)
        {
            return null;
        }
        using var image = decoded;
        var faces = Analyzer.Detector.Detect(image);
        if (faces.Count == 0)
            return null;
        var box = faces.MaxBy(f => f.Box.Area)!.Box;
        var scale = MathF.Max(640f / image.Width, 480f / image.Height);
        scale = MathF.Min(scale, 0.4f * 480f / box.H) * (1f + 0.03f * MathF.Sin(variant * 1.7f));
        var cx = box.X + box.W / 2 + (variant % 7 - 3) * 2f / scale;
        var cy = box.Y + box.H / 2 + (variant / 7 % 7 - 3) * 2f / scale;
        var map = Affine2.FromRect(cx - 320 / scale, cy - 240 / scale, 640 / scale, 480 / scale, 640, 480);
        using var frame = Warp.ToImage(image, map, 640, 480);
        return JpegEncoder.Encode(frame, 80 + variant % 15);
    }

    /// <summary>
    /// <paramref name="count"/> distinct (by sha256) 640 × 480 frames with exactly one detected face each, built
    /// round-robin from <paramref name="photos"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">Not enough usable variants.</exception>
    public static List<byte[]> SingleFaceVariants(IReadOnlyList<string> photos, int count)
    {
        var bytes = photos.Select(File.ReadAllBytes).ToList();
        var seen = new HashSet<string>();
        var frames = new List<byte[]>(count);
        for (var attempt = 0; frames.Count < count; attempt++)
        {
            if (attempt > count * 4 + 50)
                throw new InvalidOperationException($"Only {frames.Count} of {count} single-face variants could be built.");
            var jpeg = Webcam640(bytes[attempt % bytes.Count], attempt / bytes.Count);
            if (jpeg is null || CountFaces(jpeg) != 1 || !seen.Add(Convert.ToHexString(SHA256.HashData(jpeg))))
                continue;
            frames.Add(jpeg);
        }
        return frames;
    }

    /// <summary>Photos (jpg/png) under a folder, recursively, sorted by path.</summary>
    public static List<string> PhotosUnder(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase)
                        || f.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)];
}
