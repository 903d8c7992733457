using Native = FaceAspire.Vision.Interop.OnnxRuntime;

namespace FaceAspire.Vision.Onnx;

/// <summary>
/// The outputs of one <see cref="OnnxSession"/> run, in the order of <see cref="OnnxSession.Outputs"/>. Owns the
/// native OrtValues: spans returned by <see cref="Floats(int)"/> point straight into ORT's memory (no copy) and are
/// valid only until <see cref="Dispose"/>. Not thread-safe; read it from one thread, then dispose it.
/// </summary>
public sealed class OnnxOutputs : IDisposable
{
    private readonly record struct Slot(Native.ValueHandle Value, TensorElementType Type, long[] Shape, nint Data, long Count);

    private readonly OnnxSession _session;
    private readonly Slot[] _slots;
    private bool _disposed;

    internal OnnxOutputs(OnnxSession session, ReadOnlySpan<nint> values)
    {
        _session = session;
        var handles = new Native.ValueHandle[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            // Own every value before anything can throw, so none leaks.
            handles[i] = Native.Wrap<Native.ValueHandle>(values[i]);
        }
        try
        {
            _slots = new Slot[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                // Output memory comes from the session's allocator: keep the session alive while it is readable.
                handles[i].DependOn(session.Handle);
                (TensorElementType type, long[] shape, nint data, long count) = Native.DescribeTensor(handles[i].Pointer);
                _slots[i] = new Slot(handles[i], type, shape, data, count);
            }
        }
        catch
        {
            foreach (Native.ValueHandle handle in handles)
            {
                handle.Dispose();
            }
            throw;
        }
    }

    /// <summary>Number of outputs (equals <c>session.Outputs.Count</c>).</summary>
    public int Count => _slots.Length;

    /// <summary>Name of output <paramref name="index"/>.</summary>
    public string Name(int index) => _session.Outputs[index].Name;

    /// <summary>Element type of output <paramref name="index"/>.</summary>
    public TensorElementType ElementType(int index) => Get(index).Type;

    /// <summary>Concrete shape of output <paramref name="index"/> for this run (a copy; no -1 dims).</summary>
    public long[] Shape(int index) => (long[])Get(index).Shape.Clone();

    /// <summary>Elements of float output <paramref name="index"/>, row-major, in ORT's memory.</summary>
    /// <exception cref="InvalidOperationException">The output is not a float tensor.</exception>
    /// <exception cref="ObjectDisposedException">These outputs were disposed.</exception>
    public unsafe ReadOnlySpan<float> Floats(int index)
    {
        Slot slot = Get(index);
        if (slot.Type != TensorElementType.Float)
        {
            throw new InvalidOperationException(
                $"Output '{Name(index)}' holds {slot.Type} elements, not Float.");
        }
        return new ReadOnlySpan<float>((void*)slot.Data, checked((int)slot.Count));
    }

    /// <summary>Elements of the float output called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">No output has that name.</exception>
    /// <exception cref="InvalidOperationException">The output is not a float tensor.</exception>
    public ReadOnlySpan<float> Floats(string name) => Floats(_session.OutputIndex(name));

    /// <summary>Releases the native output values; spans obtained earlier must no longer be used.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        foreach (Slot slot in _slots)
        {
            slot.Value.Dispose();
        }
    }

    private Slot Get(int index)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _slots.Length);
        return _slots[index];
    }
}
