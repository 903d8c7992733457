using FaceAspire.Vision.Detection;
using FaceAspire.Vision.Imaging;
using FaceAspire.Vision.Onnx;

namespace FaceAspire.Vision;

/// <summary>Engine configuration (section <c>Vision</c>). Model names refer to models/manifest.json entries.</summary>
public sealed class VisionOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Vision";

    /// <summary>Folder holding manifest.json; null = search (see <see cref="Models.ModelStore"/>).</summary>
    public string? ModelsDirectory { get; set; }

    /// <summary>Folder holding the fetched files; null = <c>&lt;models&gt;/cache</c>.</summary>
    public string? CacheDirectory { get; set; }

    /// <summary>Detector model name; null = the manifest default.</summary>
    public string? Detector { get; set; }

    /// <summary>Embedder model name; null = the manifest default.</summary>
    public string? Embedder { get; set; }

    /// <summary>Emotion model name, or several joined by '+' for an averaging ensemble; null = the manifest default.</summary>
    public string? Emotion { get; set; }

    /// <summary>Age model name; null = the manifest default; empty = none.</summary>
    public string? Age { get; set; }

    /// <summary>Gender model name; null = the manifest default; empty = none.</summary>
    public string? Gender { get; set; }

    /// <summary>ONNX Runtime threads per session and graph optimisation.</summary>
    public OnnxSessionOptions Session { get; set; } = new();

    /// <summary>
    /// Where the models run: <c>Cpu</c> (default) or <c>Cuda</c>. Cuda needs the CUDA build
    /// (<c>dotnet build -p:OnnxRuntimeFlavor=Cuda</c>) and CUDA 13 + cuDNN 9 on the machine (README, "GPU").
    /// </summary>
    public ExecutionProvider ExecutionProvider { get; set; } = ExecutionProvider.Cpu;

    /// <summary>CUDA device ordinal when <see cref="ExecutionProvider"/> is Cuda (0 = the first GPU).</summary>
    public int CudaDeviceId { get; set; }

    /// <summary>
    /// When Cuda is asked for but cannot be had: true = one warning, then run on the CPU; false (default) = stop at
    /// start with <see cref="ExecutionProviderUnavailableException"/>, so a GPU deployment never runs slow unnoticed.
    /// </summary>
    public bool CudaFallbackToCpu { get; set; }

    /// <summary>
    /// Embed each aligned face and its horizontal mirror and average before normalising (default true): balanced
    /// pair accuracy at the calibrated threshold rises (docs/identity-threshold.md) for a second embedder run per face.
    /// Changing it changes the stored model version, so the re-embed job recomputes existing faces.
    /// </summary>
    public bool FlipAveraging { get; set; } = true;

    /// <summary>Detection settings.</summary>
    public DetectionOptions Detection { get; set; } = new();

    /// <summary>Encoded-size and pixel-count limits checked before decoding.</summary>
    public ImageLimits Limits { get; set; } = new();

    /// <summary>
    /// Cosine-similarity threshold above which two faces are the same person, for the default embedder.
    /// Calibrated on ../shared/data/identities (see docs/identity-threshold.md for ROC AUC, accuracy and FAR).
    /// </summary>
    public float MatchThreshold { get; set; } = 0.36f;
}
