using FaceAspire.Cli;
using FaceAspire.Testing;
using FaceAspire.Vision;
using FaceAspire.Vision.Alignment;
using FaceAspire.Vision.Imaging;

namespace FaceAspire.Bench.Frames;

/// <summary>Builds the vision benchmark's inputs from real photos in ../shared/data.</summary>
public static class SingleFaceFrames
{
    /// <summary>
    /// Up to <paramref name="max"/> 640 × 480 JPEG frames with exactly one face each: every photo (of
    /// <paramref name="folder"/>, or of the identity sets) with one detected face is scaled to cover 640 × 480 and
    /// cropped around the face (a webcam-like frame), then re-checked.
    /// </summary>
    /// <exception cref="InvalidDataException">No photo gave such a frame.</exception>
    /// <exception cref="DirectoryNotFoundException">No folder was given and ../shared/data is absent.</exception>
    public static List<byte[]> Build(FaceAnalyzer analyzer, string? folder, int max = 24)
    {
        var sources = folder is not null
            ? ImageFiles.Expand([folder])
            : ImageFiles.Expand([SharedData.PathOf("identities/face_recognition/knn_examples/train"), SharedData.PathOf("identities/deepface")]);
        var frames = new List<byte[]>();
        foreach (var file in sources)
        {
            if (frames.Count >= max) break;
            try
            {
                using var image = analyzer.Decoder.Decode(File.ReadAllBytes(file));
                var faces = analyzer.Detector.Detect(image);
                if (faces.Count != 1) continue;
                var box = faces[0].Box;
                float scale = MathF.Max(640f / image.Width, 480f / image.Height);
                // Keep the face at most ~40 % of the frame height, like a webcam at arm's length.
                scale = MathF.Min(scale, 0.4f * 480f / box.H);
                float cx = box.X + box.W / 2, cy = box.Y + box.H / 2;
                var map = Affine2.FromRect(cx - 320 / scale, cy - 240 / scale, 640 / scale, 480 / scale, 640, 480);
                using var frame = Warp.ToImage(image, map, 640, 480);
                var jpeg = JpegEncoder.Encode(frame, 90);
                if (analyzer.Analyze(jpeg, new AnalysisRequest(false, false, false)).Faces.Count == 1) frames.Add(jpeg);
            }
            catch (ImageDecodeException) { }
        }
        if (frames.Count == 0) throw new InvalidDataException("No single-face frames could be built from the photos.");
        return frames;
    }
}
