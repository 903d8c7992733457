using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceAspire.Vision.Onnx;

/// <summary>
/// One loaded model: an <see cref="InferenceSession"/> created once per process and shared by every thread (ONNX
/// Runtime allows concurrent Run calls on one session, so nothing here locks). The input tensor is an
/// <see cref="OrtValue"/> over the caller's (pooled) buffer, read in place; outputs are ONNX Runtime's own OrtValues,
/// readable until the returned <see cref="OnnxOutputs"/> is disposed. Opened by <see cref="OnnxSessionFactory"/>.
/// </summary>
public sealed unsafe class OnnxSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _firstInput;
    private readonly string[] _outputNames;
    private long _runTicks, _runCount;

    internal OnnxSession(string modelPath, InferenceSession session)
    {
        ModelPath = modelPath;
        _session = session;
        Inputs = [.. session.InputNames.Select(n => Describe(n, session.InputMetadata[n]))];
        Outputs = [.. session.OutputNames.Select(n => Describe(n, session.OutputMetadata[n]))];
        _firstInput = [.. session.InputNames.Take(1)];
        _outputNames = [.. session.OutputNames];
    }

    /// <summary>Full path of the model file.</summary>
    public string ModelPath { get; }

    /// <summary>The graph's inputs in declaration order, with element types and shapes (-1 = dynamic).</summary>
    public IReadOnlyList<TensorInfo> Inputs { get; }

    /// <summary>The graph's outputs in declaration order; <see cref="OnnxOutputs"/> indexes follow this order.</summary>
    public IReadOnlyList<TensorInfo> Outputs { get; }

    /// <summary>Wall time spent inside ONNX Runtime's Run on this session, summed over all threads (benchmarks diff it).</summary>
    public TimeSpan TotalRunTime => TimeSpan.FromSeconds(Interlocked.Read(ref _runTicks) / (double)Stopwatch.Frequency);

    /// <summary>Number of completed or failed Run calls.</summary>
    public long RunCount => Interlocked.Read(ref _runCount);

    /// <summary>Runs the model with one float tensor fed to the first input; returns every output.</summary>
    /// <param name="input">Row-major elements; length must equal the product of <paramref name="shape"/>. Read in
    /// place during the call (no copy).</param>
    /// <param name="shape">Concrete dimensions, e.g. [1, 3, 112, 112].</param>
    /// <exception cref="ArgumentException">The data length does not match the shape, or a dimension is negative.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime rejected the input (wrong rank, wrong fixed dimension, a
    /// missing second input) or failed while running; the message carries its text.</exception>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    public OnnxOutputs Run(ReadOnlySpan<float> input, long[] shape)
    {
        ValidateShape(input.Length, shape);
        long start = Stopwatch.GetTimestamp();
        try
        {
            fixed (float* data = input)
            {
                using var value = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, TensorElementType.Float,
                    shape, (nint)data, input.Length * sizeof(float));
                return new OnnxOutputs(this, _session.Run(_runOptions, _firstInput, [value], _outputNames));
            }
        }
        finally
        {
            Interlocked.Add(ref _runTicks, Stopwatch.GetTimestamp() - start);
            Interlocked.Increment(ref _runCount);
        }
    }

    /// <summary>Releases the native session. Outputs of it must be disposed first.</summary>
    public void Dispose()
    {
        _session.Dispose();
        _runOptions.Dispose();
    }

    /// <summary>Index of the output called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No output has that name.</exception>
    internal int OutputIndex(string name)
    {
        int index = Array.IndexOf(_outputNames, name);
        return index >= 0 ? index : throw new ArgumentException(
            $"'{Path.GetFileName(ModelPath)}' has no output '{name}'; it has: {string.Join(", ", _outputNames)}.");
    }

    private void ValidateShape(int length, long[] shape)
    {
        long product = 1;
        foreach (long dim in shape)
        {
            if (dim < 0)
                throw new ArgumentException($"Input '{_firstInput.FirstOrDefault()}': dimension {dim} is negative; give concrete dimensions.");
            product = checked(product * dim);
        }
        if (product != length)
            throw new ArgumentException(
                $"Input '{_firstInput.FirstOrDefault()}': shape [{string.Join(",", shape)}] holds {product} elements but {length} were given.");
    }

    private static TensorInfo Describe(string name, NodeMetadata metadata) =>
        new(name, metadata.IsTensor ? metadata.ElementDataType : TensorElementType.DataTypeMax,
            metadata.IsTensor ? [.. metadata.Dimensions.Select(d => (long)d)] : []);
}
