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

    /// <summary>Path of libonnxruntime.so.1; null = the manifest's runtime file in the cache.</summary>
    public string? RuntimeLibrary { get; set; }

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
