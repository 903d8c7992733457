using FaceAspire.Vision.Detection;
using FaceAspire.Vision.Emotion;
using FaceAspire.Vision.Imaging;

namespace FaceAspire.Vision;

/// <summary>
/// The engine's one seam: image in, every face out with its box, landmarks, quality, embedding, emotion, age and
/// gender. Which model does each step is configuration (<see cref="VisionOptions"/> + models/manifest.json).
/// Implementations are thread-safe; ONNX sessions are shared across calls.
/// </summary>
public interface IFaceAnalyzer
{
    /// <summary>Model version tag of the embedder (stored beside each embedding).</summary>
    string EmbeddingModel { get; }

    /// <summary>Decodes (EXIF orientation applied, limits checked) and analyses an encoded image.</summary>
    /// <exception cref="ImageDecodeException">The bytes are not a usable image (typed by cause).</exception>
    ImageAnalysis Analyze(ReadOnlySpan<byte> encoded, AnalysisRequest? request = null, StageTimings? timings = null);

    /// <summary>Analyses a decoded image.</summary>
    ImageAnalysis Analyze(RgbImage image, AnalysisRequest? request = null, StageTimings? timings = null);
}

/// <summary>What to compute beyond detection. All on by default except crops.</summary>
public sealed record AnalysisRequest(bool Embeddings = true, bool Emotion = true, bool Attributes = true, int CropSize = 0)
{
    /// <summary>Everything, no crops.</summary>
    public static readonly AnalysisRequest Full = new();
}

/// <summary>The analysis of one image.</summary>
/// <param name="Width">Image width in pixels after EXIF orientation.</param>
/// <param name="Height">Image height in pixels after EXIF orientation.</param>
/// <param name="Faces">Faces, best detection score first.</param>
public sealed record ImageAnalysis(int Width, int Height, IReadOnlyList<FaceAnalysis> Faces);

/// <summary>One analysed face.</summary>
/// <param name="Detection">Box (pixels), 5 landmarks, detection score in [0, 1].</param>
/// <param name="Quality">Quality in [0, 1] (see <see cref="Alignment.FaceQuality"/>).</param>
/// <param name="Embedding">Unit-length identity embedding (512-d for fr_feature), or null when not requested.</param>
/// <param name="Emotion">Emotion probabilities, or null when not requested.</param>
/// <param name="Age">Estimated age in years (0–101), or null.</param>
/// <param name="Gender">"male" or "female", or null.</param>
/// <param name="GenderConfidence">Confidence of <paramref name="Gender"/> in [0.5, 1], or null.</param>
/// <param name="CropJpeg">JPEG of the aligned face crop when <see cref="AnalysisRequest.CropSize"/> &gt; 0.</param>
public sealed record FaceAnalysis(
    DetectedFace Detection,
    float Quality,
    float[]? Embedding,
    EmotionResult? Emotion,
    float? Age,
    string? Gender,
    float? GenderConfidence,
    byte[]? CropJpeg);
