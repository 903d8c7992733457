using System.Buffers;
using Native = FaceAspire.Vision.Interop.OnnxRuntime;

namespace FaceAspire.Vision.Onnx;

/// <summary>
/// A loaded ONNX model (an OrtSession). <see cref="Run(ReadOnlySpan{float}, ReadOnlySpan{long})"/> may be called from
/// many threads at once on one session: ORT allows concurrent Run calls, so nothing here takes a lock. Input memory
/// is read in place (pinned, not copied); outputs stay in ORT's memory until the returned <see cref="OnnxOutputs"/>
/// is disposed. Dispose the session when done; outputs still alive keep it alive natively until they are disposed.
/// </summary>
public sealed unsafe class OnnxSession : IDisposable
{
    // Stack-allocate pointer arrays up to this many inputs/outputs; detection heads have 9-12 outputs.
    private const int StackLimit = 32;

    private readonly Native.SessionHandle _session;
    private readonly Native.MemoryInfoHandle _memory;
    private readonly nint[] _inputNamePointers;   // pinned arrays of pointers into the pinned UTF-8 names below
    private readonly nint[] _outputNamePointers;
    private readonly byte[][] _utf8Names;         // keeps the pinned UTF-8 names reachable
    private readonly string _runContext;
    private volatile bool _disposed; // the handle stays open while outputs reference it, so track it here

    internal OnnxSession(string modelPath, Native.SessionHandle session, Native.MemoryInfoHandle memory)
    {
        ModelPath = modelPath;
        _session = session;
        _memory = memory;
        _runContext = $"Running '{Path.GetFileName(modelPath)}'";
        Inputs = Describe(session, Native.InputCount(session), output: false);
        Outputs = Describe(session, Native.OutputCount(session), output: true);
        _utf8Names = [.. Inputs.Concat(Outputs).Select(info => Native.PinnedUtf8(info.Name))];
        _inputNamePointers = PointersTo(_utf8Names.AsSpan(0, Inputs.Count));
        _outputNamePointers = PointersTo(_utf8Names.AsSpan(Inputs.Count));
    }

    /// <summary>Full path of the model file.</summary>
    public string ModelPath { get; }

    /// <summary>The graph's inputs in declaration order, with element types and shapes (-1 = dynamic).</summary>
    public IReadOnlyList<TensorInfo> Inputs { get; }

    /// <summary>The graph's outputs in declaration order; <see cref="OnnxOutputs"/> indexes follow this order.</summary>
    public IReadOnlyList<TensorInfo> Outputs { get; }

    /// <summary>Runs the model with one float tensor fed to the first input; returns every output.</summary>
    /// <param name="input">Row-major elements; length must equal the product of <paramref name="shape"/>.</param>
    /// <param name="shape">Concrete dimensions, e.g. [1, 3, 112, 112].</param>
    /// <exception cref="ArgumentException">The data length does not match the shape, or a dimension is negative.</exception>
    /// <exception cref="OnnxRuntimeException">ORT rejected the input (wrong rank, wrong fixed dimension, a missing
    /// second input) or failed while running; the message carries ORT's text.</exception>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    public OnnxOutputs Run(ReadOnlySpan<float> input, ReadOnlySpan<long> shape)
    {
        if (Inputs.Count == 0)
        {
            throw new InvalidOperationException($"'{ModelPath}' has no inputs.");
        }
        ValidateShape(Inputs[0].Name, input.Length, shape);
        fixed (float* data = input)
        fixed (long* dims = shape)
        fixed (nint* names = _inputNamePointers)
        {
            using Native.ValueHandle value = Native.CreateTensor(_memory, data, input.Length, dims, shape.Length);
            nint pointer = value.Pointer;
            return RunCore((byte**)names, &pointer, 1);
        }
    }

    /// <summary>Runs the model with named float inputs (each input of the graph given once); returns every output.</summary>
    /// <exception cref="ArgumentException">An unknown input name, or data length not matching a shape.</exception>
    /// <exception cref="OnnxRuntimeException">ORT rejected an input or failed while running (ORT's message).</exception>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    public OnnxOutputs Run(ReadOnlySpan<OnnxInput> inputs)
    {
        int count = inputs.Length;
        if (count == 0)
        {
            throw new ArgumentException("At least one input is required.", nameof(inputs));
        }
        Span<nint> names = count <= StackLimit ? stackalloc nint[count] : new nint[count];
        Span<nint> values = count <= StackLimit ? stackalloc nint[count] : new nint[count];
        var pins = new MemoryHandle[count];
        var tensors = new Native.ValueHandle?[count];
        try
        {
            for (int i = 0; i < count; i++)
            {
                OnnxInput input = inputs[i];
                names[i] = _inputNamePointers[InputIndex(input.Name)];
                ValidateShape(input.Name, input.Data.Length, input.Shape);
                pins[i] = input.Data.Pin();
                fixed (long* dims = input.Shape)
                {
                    tensors[i] = Native.CreateTensor(_memory, (float*)pins[i].Pointer, input.Data.Length, dims,
                        input.Shape.Length);
                }
                values[i] = tensors[i]!.Pointer;
            }
            fixed (nint* namePointers = names)
            fixed (nint* valuePointers = values)
            {
                return RunCore((byte**)namePointers, valuePointers, count);
            }
        }
        finally
        {
            for (int i = 0; i < count; i++)
            {
                tensors[i]?.Dispose();
                pins[i].Dispose();
            }
        }
    }

    /// <summary>Releases the native session (deferred while outputs of it are still alive).</summary>
    public void Dispose()
    {
        _disposed = true;
        _session.Dispose();
    }

    internal Native.SessionHandle Handle => _session;

    /// <summary>Index of the output called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No output has that name.</exception>
    internal int OutputIndex(string name) => IndexOf(Outputs, name, "output");

    private long _runTicks, _runCount;

    /// <summary>Wall time spent inside ORT's Run on this session, summed over all threads (benchmarks diff it).</summary>
    public TimeSpan TotalRunTime => TimeSpan.FromSeconds(Interlocked.Read(ref _runTicks) / (double)System.Diagnostics.Stopwatch.Frequency);

    /// <summary>Number of completed or failed Run calls.</summary>
    public long RunCount => Interlocked.Read(ref _runCount);

    private int InputIndex(string name) => IndexOf(Inputs, name, "input");

    private OnnxOutputs RunCore(byte** inputNames, nint* inputValues, int inputCount)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int count = _outputNamePointers.Length;
        Span<nint> outputs = count <= StackLimit ? stackalloc nint[count] : new nint[count];
        outputs.Clear();
        fixed (nint* outputNames = _outputNamePointers)
        fixed (nint* outputValues = outputs)
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                Native.Run(_session, inputNames, inputValues, inputCount, (byte**)outputNames, outputValues, count,
                    _runContext);
            }
            catch
            {
                foreach (nint value in outputs)
                {
                    if (value != 0)
                    {
                        Native.Wrap<Native.ValueHandle>(value).Dispose();
                    }
                }
                throw;
            }
            finally
            {
                Interlocked.Add(ref _runTicks, System.Diagnostics.Stopwatch.GetTimestamp() - start);
                Interlocked.Increment(ref _runCount);
            }
        }
        return new OnnxOutputs(this, outputs);
    }

    private static void ValidateShape(string name, int length, ReadOnlySpan<long> shape)
    {
        long product = 1;
        foreach (long dim in shape)
        {
            if (dim < 0)
            {
                throw new ArgumentException($"Input '{name}': dimension {dim} is negative; give concrete dimensions.");
            }
            product = checked(product * dim);
        }
        if (product != length)
        {
            throw new ArgumentException(
                $"Input '{name}': shape [{string.Join(",", shape.ToArray())}] holds {product} elements but {length} were given.");
        }
    }

    private int IndexOf(IReadOnlyList<TensorInfo> infos, string name, string kind)
    {
        for (int i = 0; i < infos.Count; i++)
        {
            if (string.Equals(infos[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }
        throw new ArgumentException(
            $"'{Path.GetFileName(ModelPath)}' has no {kind} '{name}'; it has: {string.Join(", ", infos.Select(i => i.Name))}.");
    }

    private static TensorInfo[] Describe(Native.SessionHandle session, int count, bool output)
    {
        var infos = new TensorInfo[count];
        for (int i = 0; i < count; i++)
        {
            string name = Native.GetName(session, i, output);
            (TensorElementType type, long[] shape) = Native.GetTypeAndShape(session, i, output);
            infos[i] = new TensorInfo(name, type, shape);
        }
        return infos;
    }

    private static nint[] PointersTo(ReadOnlySpan<byte[]> pinnedStrings)
    {
        nint[] pointers = GC.AllocateArray<nint>(pinnedStrings.Length, pinned: true);
        for (int i = 0; i < pinnedStrings.Length; i++)
        {
            fixed (byte* text = pinnedStrings[i])
            {
                pointers[i] = (nint)text; // stable: the array lives on the pinned object heap
            }
        }
        return pointers;
    }
}
