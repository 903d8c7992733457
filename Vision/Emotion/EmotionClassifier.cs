using FaceAspire.Vision.Detection;
using FaceAspire.Vision.Imaging;
using FaceAspire.Vision.Models;
using FaceAspire.Vision.Onnx;
using FaceAspire.Vision.Tensors;

namespace FaceAspire.Vision.Emotion;

/// <summary>Reads the emotion on a face. Thread-safe.</summary>
public interface IEmotionClassifier
{
    /// <summary>Model name (or <c>ensemble(a+b)</c>).</summary>
    string Name { get; }

    /// <summary>Probabilities over the 7 canonical classes.</summary>
    EmotionResult Classify(RgbImage image, DetectedFace face);
}

/// <summary>
/// One emotion model as the manifest describes it: its own crop, colour order and normalisation, and its label order
/// mapped onto the canonical 7. <c>outputKind</c> <c>logits</c> gets a softmax; <c>probabilities</c> is used as is.
/// Serves fr_expression, face-api.js's expression net and mini-Xception (sources in models/manifest.json).
/// </summary>
public sealed class EmotionClassifier : IEmotionClassifier
{
    private readonly OnnxSession _session;
    private readonly ModelEntry _model;
    private readonly int[] _canonicalIndex;
    private readonly bool _softmax;

    /// <summary>Creates the adapter.</summary>
    /// <exception cref="InvalidDataException">The manifest entry has no labels or an unknown label.</exception>
    public EmotionClassifier(OnnxSession session, ModelEntry model)
    {
        _session = session;
        _model = model;
        if (model.Labels is not { Count: 7 }) throw new InvalidDataException($"Emotion model '{model.Name}' must list 7 labels in the manifest.");
        _canonicalIndex = model.Labels.Select(EmotionResult.IndexOf).ToArray();
        if (_canonicalIndex.Distinct().Count() != 7) throw new InvalidDataException($"Emotion model '{model.Name}' maps two labels to one class.");
        _softmax = string.Equals(model.OutputKind, "logits", StringComparison.OrdinalIgnoreCase);
    }

    /// <inheritdoc />
    public string Name => _model.Name;

    /// <inheritdoc />
    public EmotionResult Classify(RgbImage image, DetectedFace face) =>
        FaceTensor.Run(_session, _model, image, face, outputs => Map(outputs.Floats(0)));

    private EmotionResult Map(ReadOnlySpan<float> raw)
    {
        var p = new float[7];
        if (_softmax)
        {
            float max = float.MinValue;
            for (int i = 0; i < 7; i++) max = MathF.Max(max, raw[i]);
            float sum = 0;
            for (int i = 0; i < 7; i++) sum += p[_canonicalIndex[i]] = MathF.Exp(raw[i] - max);
            for (int i = 0; i < 7; i++) p[i] /= sum;
        }
        else
        {
            for (int i = 0; i < 7; i++) p[_canonicalIndex[i]] = raw[i];
        }
        return new EmotionResult(p);
    }
}

/// <summary>Averages the probabilities of several classifiers (equal weights).</summary>
public sealed class EnsembleEmotionClassifier(IReadOnlyList<IEmotionClassifier> members) : IEmotionClassifier
{
    /// <inheritdoc />
    public string Name => $"ensemble({string.Join('+', members.Select(m => m.Name))})";

    /// <inheritdoc />
    public EmotionResult Classify(RgbImage image, DetectedFace face)
    {
        var sum = new float[7];
        foreach (var member in members)
        {
            var p = member.Classify(image, face).Probabilities;
            for (int i = 0; i < 7; i++) sum[i] += p[i] / members.Count;
        }
        return new EmotionResult(sum);
    }
}
