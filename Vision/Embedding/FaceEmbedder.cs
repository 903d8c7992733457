using FaceAspire.Vision.Detection;
using FaceAspire.Vision.Imaging;
using FaceAspire.Vision.Models;
using FaceAspire.Vision.Onnx;
using FaceAspire.Vision.Tensors;

namespace FaceAspire.Vision.Embedding;

/// <summary>Turns an aligned face into an identity embedding. Thread-safe.</summary>
public interface IFaceEmbedder
{
    /// <summary>Embedding length (512 for fr_feature).</summary>
    int Dimension { get; }

    /// <summary>Stored with each face so vectors from different models are never compared (<c>name@sha256-prefix</c>).</summary>
    string ModelVersion { get; }

    /// <summary>The L2-normalised embedding (‖e‖ = 1), so cosine similarity is a dot product in [−1, 1].</summary>
    float[] Embed(RgbImage image, DetectedFace face);
}

/// <summary>
/// ArcFace-style embedder configured by the manifest (fr_feature: [1, 3, 112, 112] RGB, (x − 127.5) / 128, on the
/// 5-point aligned crop → [1, 512]). Alignment per Deng et al., "ArcFace: Additive Angular Margin Loss for Deep Face
/// Recognition", CVPR 2019, and insightface's norm_crop.
/// </summary>
public sealed class FaceEmbedder(OnnxSession session, ModelEntry model) : IFaceEmbedder
{
    /// <inheritdoc />
    public int Dimension { get; } = (int)(session.Outputs[0].Shape is { Length: > 1 } s && s[^1] > 0 ? s[^1] : 512);

    /// <inheritdoc />
    public string ModelVersion => model.VersionTag;

    /// <inheritdoc />
    public float[] Embed(RgbImage image, DetectedFace face) =>
        FaceTensor.Run(session, model, image, face, outputs => Normalise(outputs.Floats(0)));

    /// <summary>Copies <paramref name="v"/> scaled to unit L2 norm (a zero vector stays zero).</summary>
    public static float[] Normalise(ReadOnlySpan<float> v)
    {
        double sum = 0;
        foreach (var x in v) sum += x * x;
        float inv = sum > 0 ? (float)(1 / Math.Sqrt(sum)) : 0;
        var result = new float[v.Length];
        for (int i = 0; i < v.Length; i++) result[i] = v[i] * inv;
        return result;
    }

    /// <summary>Cosine similarity of two unit vectors (their dot product), in [−1, 1].</summary>
    /// <exception cref="ArgumentException">Lengths differ.</exception>
    public static float Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException("Embeddings of different lengths cannot be compared.");
        float dot = 0;
        for (int i = 0; i < a.Length; i++) dot += a[i] * b[i];
        return dot;
    }
}
