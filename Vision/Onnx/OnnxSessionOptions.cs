namespace FaceAspire.Vision.Onnx;

/// <summary>
/// How much ONNX Runtime rewrites the graph when loading a model (GraphOptimizationLevel in onnxruntime_c_api.h;
/// see https://onnxruntime.ai/docs/performance/model-optimizations/graph-optimizations.html).
/// </summary>
public enum GraphOptimizationLevel
{
    /// <summary>No rewriting.</summary>
    Disabled = 0,

    /// <summary>Semantics-preserving rewrites such as constant folding and redundant-node removal.</summary>
    Basic = 1,

    /// <summary>Basic plus node fusions.</summary>
    Extended = 2,

    /// <summary>Everything, including layout optimisations.</summary>
    All = 99,
}

/// <summary>Settings for one <see cref="OnnxSession"/>.</summary>
/// <param name="IntraOpThreads">Threads used inside one operator (ORT SetIntraOpNumThreads); 0 = ORT's default
/// (one per physical core), 1 = run on the calling thread only. Must be &gt;= 0.</param>
/// <param name="InterOpThreads">Threads used to run independent operators in parallel (SetInterOpNumThreads);
/// ignored by ORT in its default sequential mode. Must be &gt;= 0.</param>
/// <param name="Optimization">Graph optimization level applied when the model is loaded.</param>
/// <param name="UseCuda">Append the CUDA execution provider. Fails with <see cref="OnnxRuntimeException"/> on a
/// CPU-only ONNX Runtime build (such as the one models/fetch.sh installs).</param>
/// <param name="CudaDeviceId">CUDA device ordinal when <paramref name="UseCuda"/> is set.</param>
public sealed record OnnxSessionOptions(
    int IntraOpThreads = 1,
    int InterOpThreads = 1,
    GraphOptimizationLevel Optimization = GraphOptimizationLevel.All,
    bool UseCuda = false,
    int CudaDeviceId = 0);
