using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceAspire.Vision.Onnx;

/// <summary>
/// The outputs of one <see cref="OnnxSession"/> run, in the order of <see cref="OnnxSession.Outputs"/>. Owns ONNX
/// Runtime's OrtValues: spans from <see cref="Floats(int)"/> point into its memory (no copy) and are valid only until
/// <see cref="Dispose"/>. Read it from one thread, then dispose it.
/// </summary>
public sealed class OnnxOutputs : IDisposable
{
    private readonly OnnxSession _session;
    private readonly IDisposableReadOnlyCollection<OrtValue> _values;
    private bool _disposed;

    internal OnnxOutputs(OnnxSession session, IDisposableReadOnlyCollection<OrtValue> values)
    {
        _session = session;
        _values = values;
    }

    /// <summary>Number of outputs (equals <c>session.Outputs.Count</c>).</summary>
    public int Count => _values.Count;

    /// <summary>Element type of output <paramref name="index"/>.</summary>
    public TensorElementType ElementType(int index) => Get(index).GetTensorTypeAndShape().ElementDataType;

    /// <summary>Concrete shape of output <paramref name="index"/> for this run (no -1 dims).</summary>
    public long[] Shape(int index) => Get(index).GetTensorTypeAndShape().Shape;

    /// <summary>Elements of float output <paramref name="index"/>, row-major, in ONNX Runtime's memory.</summary>
    /// <exception cref="InvalidOperationException">The output is not a float tensor.</exception>
    /// <exception cref="ObjectDisposedException">These outputs were disposed.</exception>
    public ReadOnlySpan<float> Floats(int index)
    {
        var type = ElementType(index);
        if (type != TensorElementType.Float)
            throw new InvalidOperationException($"Output '{_session.Outputs[index].Name}' holds {type} elements, not Float.");
        return Get(index).GetTensorDataAsSpan<float>();
    }

    /// <summary>Elements of the float output called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No output has that name.</exception>
    /// <exception cref="InvalidOperationException">The output is not a float tensor.</exception>
    public ReadOnlySpan<float> Floats(string name) => Floats(_session.OutputIndex(name));

    /// <summary>Releases the output values; spans obtained earlier must no longer be used.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _values.Dispose();
    }

    private OrtValue Get(int index)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _values.Count);
        return _values.ElementAt(index);
    }
}
