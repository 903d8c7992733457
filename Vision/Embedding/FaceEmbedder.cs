using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
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

    /// <summary>
    /// Stored with each face so vectors from different pipelines are never compared: the model and everything between
    /// pixels and vector, e.g. <c>fr_feature@87aacdfe5751+flip-1c0ffee5</c>.
    /// </summary>
    string ModelVersion { get; }

    /// <summary>The L2-normalised embedding (‖e‖ = 1), so cosine similarity is a dot product in [−1, 1].</summary>
    float[] Embed(RgbImage image, DetectedFace face);
}

/// <summary>
/// ArcFace-style embedder configured by the manifest (fr_feature: [1, 3, 112, 112] RGB, (x − 127.5) / 128, on the
/// 5-point aligned crop → [1, 512]). Alignment per Deng et al., "ArcFace: Additive Angular Margin Loss for Deep Face
/// Recognition", CVPR 2019, and insightface's norm_crop. With <paramref name="flipAveraging"/> the crop and its mirror
/// are embedded and the two vectors summed before normalising (the flip test of ArcFace's evaluation code and of
/// Schroff et al.'s FaceNet), which makes the vector less sensitive to pose and lighting from one side.
/// </summary>
public sealed class FaceEmbedder(OnnxSession session, ModelEntry model, bool flipAveraging = true) : IFaceEmbedder
{
    // Bump when the code between pixels and vector changes how a vector comes out (warp, tensor layout): the tag
    // changes, and the worker's re-embed job recomputes stored faces. 2 = OpenCV's warpAffine (was our own bilinear).
    private const int PipelineRevision = 2;

    /// <inheritdoc />
    public int Dimension { get; } = (int)(session.Outputs[0].Shape is { Length: > 1 } s && s[^1] > 0 ? s[^1] : 512);

    /// <inheritdoc />
    public string ModelVersion { get; } = Tag(model, flipAveraging);

    /// <summary>Whether each face is embedded with its mirror.</summary>
    public bool FlipAveraging => flipAveraging;

    /// <inheritdoc />
    public float[] Embed(RgbImage image, DetectedFace face) =>
        FaceTensor.Run(session, model, image, face, flipAveraging, (outputs, flipped) =>
            flipped is null ? Normalise(outputs.Floats(0)) : NormaliseSum(outputs.Floats(0), flipped.Floats(0)));

    /// <summary>
    /// <c>name@sha256[..12]</c>, then <c>+flip</c> or <c>+single</c> and 8 hex digits of a hash over the manifest's
    /// preprocessing and <see cref="PipelineRevision"/>.
    /// </summary>
    public static string Tag(ModelEntry model, bool flipAveraging)
    {
        string pipeline = $"{JsonSerializer.Serialize(model.Preprocessing)}|rev{PipelineRevision}|{(flipAveraging ? "flip" : "single")}";
        string hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(pipeline)))[..8];
        return $"{model.VersionTag}+{(flipAveraging ? "flip" : "single")}-{hash}";
    }

    /// <summary>The unit vector along <paramref name="a"/> + <paramref name="b"/>.</summary>
    public static float[] NormaliseSum(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException("Embeddings of different lengths cannot be summed.");
        var sum = new float[a.Length];
        for (int i = 0; i < a.Length; i++) sum[i] = a[i] + b[i];
        return Normalise(sum);
    }

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
