using Microsoft.ML.OnnxRuntime;

namespace FaceAspire.Vision.Onnx;

/// <summary>Settings for every <see cref="OnnxSession"/> a process opens (section <c>Vision:Session</c>).</summary>
/// <param name="IntraOpThreads">Threads used inside one operator (SessionOptions.IntraOpNumThreads); 0 = ONNX Runtime's
/// default (one per physical core), 1 = run on the calling thread only, which the workers use because they run one
/// analysis per core already (docs/adr/0015). Must be &gt;= 0.</param>
/// <param name="InterOpThreads">Threads used to run independent operators in parallel (InterOpNumThreads); ignored in
/// ONNX Runtime's default sequential execution mode. Must be &gt;= 0.</param>
/// <param name="Optimization">Graph optimisation applied when a model is loaded, by ONNX Runtime's names
/// (<c>ORT_DISABLE_ALL</c>, <c>ORT_ENABLE_BASIC</c>, <c>ORT_ENABLE_EXTENDED</c>, <c>ORT_ENABLE_ALL</c>; see
/// https://onnxruntime.ai/docs/performance/model-optimizations/graph-optimizations.html).</param>
public sealed record OnnxSessionOptions(
    int IntraOpThreads = 1,
    int InterOpThreads = 1,
    GraphOptimizationLevel Optimization = GraphOptimizationLevel.ORT_ENABLE_ALL);

/// <summary>Where models run (<c>Vision:ExecutionProvider</c>).</summary>
public enum ExecutionProvider
{
    /// <summary>ONNX Runtime's CPU provider; every build has it.</summary>
    Cpu,

    /// <summary>NVIDIA CUDA; needs the CUDA build (<c>-p:OnnxRuntimeFlavor=Cuda</c>), CUDA 13 and cuDNN 9 on the machine.</summary>
    Cuda,
}

/// <summary>Which execution provider to ask for, and what to do when it cannot be had.</summary>
/// <param name="Provider">The provider asked for.</param>
/// <param name="CudaDeviceId">CUDA device ordinal (0 = the first GPU) when <paramref name="Provider"/> is Cuda.</param>
/// <param name="FallBackToCpu">When CUDA cannot be had: true = log one warning and run on the CPU; false = stop at
/// start with <see cref="ExecutionProviderUnavailableException"/>.</param>
public sealed record ExecutionProviderChoice(ExecutionProvider Provider = ExecutionProvider.Cpu, int CudaDeviceId = 0, bool FallBackToCpu = false);

/// <summary>
/// The execution provider asked for cannot be used here: CUDA on the CPU build of ONNX Runtime, or on a machine
/// without CUDA 13 / cuDNN 9 / a GPU. The message says which, and how to fix or how to fall back instead.
/// </summary>
public sealed class ExecutionProviderUnavailableException(string message, Exception inner) : Exception(message, inner);
