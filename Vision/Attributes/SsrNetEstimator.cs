using System.Text.Json;
using FaceAspire.Vision.Detection;
using FaceAspire.Vision.Imaging;
using FaceAspire.Vision.Models;
using FaceAspire.Vision.Onnx;
using FaceAspire.Vision.Tensors;

namespace FaceAspire.Vision.Attributes;

/// <summary>
/// Decodes an SSR-Net model (Yang et al., "SSR-Net: A Compact Soft Stagewise Regression Network for Age Estimation",
/// IJCAI 2018; reference code github.com/shamangary/SSR-Net, <c>SSRNET_model.py</c> <c>merge_age</c>). With stage k
/// having s_k bins, probabilities p_k, index offsets η_k and scale shift Δ_k, the estimate is
/// <c>V · Σ_k [Σ_i (i + λ_local·η_k,i)·p_k,i] / Π_{j≤k} s_j·(1 + λ_d·Δ_j)</c>.
/// For age V = 101 (years); for gender V = 1 and the result in [0, 1] is thresholded at 0.5.
/// Output names: <c>prob_stage_k</c>, <c>stagek_delta_k</c>, <c>index_offset_stagek</c> (k = 1..3).
/// </summary>
public sealed class SsrNetEstimator
{
    private readonly OnnxSession _session;
    private readonly ModelEntry _model;
    private readonly float _range, _lambdaLocal, _lambdaD;

    /// <summary>Creates the decoder; <c>decode</c> in the manifest may set <c>V</c>, <c>lambda_local</c>, <c>lambda_d</c> (defaults 1, 1, 1).</summary>
    public SsrNetEstimator(OnnxSession session, ModelEntry model, float defaultRange)
    {
        _session = session;
        _model = model;
        _range = Read(model.Decode, "V", defaultRange);
        _lambdaLocal = Read(model.Decode, "lambda_local", 1f);
        _lambdaD = Read(model.Decode, "lambda_d", 1f);
    }

    /// <summary>The raw regression value: years for age, [0, 1] for gender.</summary>
    public float Estimate(RgbImage image, DetectedFace face) => FaceTensor.Run(_session, _model, image, face, Decode);

    /// <summary>Applies the SSR-Net stagewise formula to the model outputs.</summary>
    public float Decode(OnnxOutputs outputs)
    {
        double total = 0, denominator = 1;
        for (int k = 1; k <= 3; k++)
        {
            ReadOnlySpan<float> p = outputs.Floats($"prob_stage_{k}");
            ReadOnlySpan<float> eta = outputs.Floats($"index_offset_stage{k}");
            float delta = outputs.Floats($"stage{k}_delta_k")[0];
            double stage = 0;
            for (int i = 0; i < p.Length; i++) stage += (i + _lambdaLocal * eta[i]) * p[i];
            denominator *= p.Length * (1 + _lambdaD * delta);
            total += stage / denominator;
        }
        return (float)(total * _range);
    }

    private static float Read(JsonElement? decode, string name, float fallback) =>
        decode is { ValueKind: JsonValueKind.Object } d && d.TryGetProperty(name, out var v) && v.TryGetSingle(out var f) ? f : fallback;
}
