using FaceAspire.Vision.Alignment;
using FaceAspire.Vision.Attributes;
using FaceAspire.Vision.Detection;
using FaceAspire.Vision.Embedding;
using FaceAspire.Vision.Emotion;
using FaceAspire.Vision.Imaging;
using FaceAspire.Vision.Models;
using FaceAspire.Vision.Onnx;
using Microsoft.Extensions.Logging;

namespace FaceAspire.Vision;

/// <summary>
/// The default <see cref="IFaceAnalyzer"/>: decode → detect (YuNet) → align (ArcFace 5-point) → embed → emotion →
/// age/gender. Owns one ONNX Runtime session per model (on the configured execution provider), shared by all calls.
/// </summary>
public sealed class FaceAnalyzer : IFaceAnalyzer, IDisposable
{
    private readonly OnnxSessionFactory _factory;
    private readonly List<(ModelEntry Model, OnnxSession Session)> _sessions = [];
    private readonly ImageDecoder _decoder;

    /// <summary>Loads the runtime and every configured model.</summary>
    /// <exception cref="FileNotFoundException">A model is missing (run models/fetch.sh).</exception>
    /// <exception cref="Microsoft.ML.OnnxRuntime.OnnxRuntimeException">A model fails to load.</exception>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA was asked for, cannot be had here, and
    /// <see cref="VisionOptions.CudaFallbackToCpu"/> is off.</exception>
    /// <exception cref="InvalidOperationException">OpenCV's pixel cap cannot cover <see cref="VisionOptions.Limits"/>.</exception>
    public FaceAnalyzer(VisionOptions options, ILoggerFactory? loggerFactory = null)
    {
        Options = options;
        Store = new ModelStore(options.ModelsDirectory, options.CacheDirectory);
        var manifest = Store.Manifest;
        _decoder = new ImageDecoder(options.Limits);
        _factory = new OnnxSessionFactory(options.Session,
            new ExecutionProviderChoice(options.ExecutionProvider, options.CudaDeviceId, options.CudaFallbackToCpu), loggerFactory);
        try
        {
            Detector = new YuNetDetector(Open(Pick(options.Detector, "detection")), options.Detection);
            var embedModel = Pick(options.Embedder, "embedding");
            Embedder = new FaceEmbedder(Open(embedModel), embedModel, options.FlipAveraging);
            var emotionNames = (options.Emotion ?? manifest.Defaults["emotion"]).Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var classifiers = emotionNames.Select(n => (IEmotionClassifier)new EmotionClassifier(Open(manifest.Get(n)), manifest.Get(n))).ToList();
            EmotionClassifier = classifiers.Count == 1 ? classifiers[0] : new EnsembleEmotionClassifier(classifiers);
            if (OptionalModel(options.Age, "age") is { } age) _age = new SsrNetEstimator(Open(age), age, 101f);
            if (OptionalModel(options.Gender, "gender") is { } gender) _gender = new SsrNetEstimator(Open(gender), gender, 1f);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private readonly SsrNetEstimator? _age, _gender;

    /// <summary>The options this analyzer was built with.</summary>
    public VisionOptions Options { get; }

    /// <summary>Where the models came from.</summary>
    public ModelStore Store { get; }

    /// <summary>The detector in use.</summary>
    public IFaceDetector Detector { get; }

    /// <summary>The embedder in use.</summary>
    public IFaceEmbedder Embedder { get; }

    /// <summary>The emotion classifier in use.</summary>
    public IEmotionClassifier EmotionClassifier { get; }

    /// <summary>The decoder (with the configured limits).</summary>
    public ImageDecoder Decoder => _decoder;

    /// <summary>ONNX Runtime version string.</summary>
    public string RuntimeVersion => _factory.Version;

    /// <summary>Where the models run (Cpu after a CUDA request fell back).</summary>
    public ExecutionProvider Provider => _factory.Provider;

    /// <inheritdoc />
    public string EmbeddingModel => Embedder.ModelVersion;

    /// <inheritdoc />
    public ImageAnalysis Analyze(ReadOnlySpan<byte> encoded, AnalysisRequest? request = null, StageTimings? timings = null)
    {
        RgbImage image;
        using (StageTimings.Measure(timings, Stage.Decode)) image = _decoder.Decode(encoded);
        using (image) return Analyze(image, request, timings);
    }

    /// <inheritdoc />
    public ImageAnalysis Analyze(RgbImage image, AnalysisRequest? request = null, StageTimings? timings = null)
    {
        request ??= AnalysisRequest.Full;
        IReadOnlyList<DetectedFace> detections;
        using (StageTimings.Measure(timings, Stage.Detect)) detections = Detector.Detect(image);
        var faces = new List<FaceAnalysis>(detections.Count);
        foreach (var face in detections) faces.Add(AnalyzeFace(image, face, request, timings));
        return new ImageAnalysis(image.Width, image.Height, faces);
    }

    private FaceAnalysis AnalyzeFace(RgbImage image, DetectedFace face, AnalysisRequest request, StageTimings? timings)
    {
        float quality;
        byte[]? crop = null;
        using (StageTimings.Measure(timings, Stage.Align))
        {
            using var aligned = FaceAligner.AlignedCrop(image, face);
            quality = FaceQuality.Score(face, aligned.Pixels, aligned.Width);
            if (request.CropSize > 0)
            {
                using var cropImage = Warp.ToImage(image, FaceAligner.SquareMap(face.Box, 0.25f, request.CropSize), request.CropSize, request.CropSize);
                crop = JpegEncoder.Encode(cropImage, 85);
            }
        }
        float[]? embedding = null;
        if (request.Embeddings) using (StageTimings.Measure(timings, Stage.Embed)) embedding = Embedder.Embed(image, face);
        EmotionResult? emotion = null;
        if (request.Emotion) using (StageTimings.Measure(timings, Stage.Emotion)) emotion = EmotionClassifier.Classify(image, face);
        float? age = null, genderScore = null;
        if (request.Attributes && (_age is not null || _gender is not null))
        {
            using (StageTimings.Measure(timings, Stage.AgeGender))
            {
                age = _age?.Estimate(image, face);
                genderScore = _gender?.Estimate(image, face);
            }
        }
        // SSR-Net gender regresses towards 1 for male and 0 for female (see models/manifest.json notes).
        string? gender = genderScore is null ? null : genderScore >= 0.5f ? "male" : "female";
        float? genderConfidence = genderScore is null ? null : MathF.Max(genderScore.Value, 1 - genderScore.Value);
        return new FaceAnalysis(face, quality, embedding, emotion, age is null ? null : MathF.Round(age.Value, 1), gender, genderConfidence, crop);
    }

    private ModelEntry Pick(string? name, string task) => name is null ? Store.Manifest.Default(task) : Store.Manifest.Get(name);

    private ModelEntry? OptionalModel(string? name, string task) =>
        name is "" ? null
        : name is not null ? Store.Manifest.Get(name)
        : Store.Manifest.Defaults.ContainsKey(task) ? Store.Manifest.Default(task) : null;

    private OnnxSession Open(ModelEntry model) => OpenExtraSession(model);

    /// <summary>Every (model, session) this analyzer opened, for benchmarks that time raw Run() calls.</summary>
    public IReadOnlyList<(ModelEntry Model, OnnxSession Session)> Sessions => _sessions;

    /// <summary>Opens another session on a manifest model with this analyzer's options; disposed with the analyzer.</summary>
    public OnnxSession OpenExtraSession(ModelEntry model)
    {
        var session = _factory.Open(Store.PathOf(model));
        lock (_sessions) _sessions.Add((model, session));
        return session;
    }

    /// <summary>Releases every session (the process's ONNX Runtime environment stays for its life).</summary>
    public void Dispose()
    {
        foreach (var (_, s) in _sessions) s.Dispose();
        _sessions.Clear();
    }
}
