namespace FaceAspire.Vision.Onnx;

/// <summary>One named float input for <see cref="OnnxSession.Run(ReadOnlySpan{OnnxInput})"/>.</summary>
/// <param name="Name">Input name as in <see cref="OnnxSession.Inputs"/>.</param>
/// <param name="Data">Row-major (C order) elements; its length must equal the product of <paramref name="Shape"/>.
/// The memory is pinned and read in place during the run, not copied.</param>
/// <param name="Shape">Concrete dimensions (no -1), e.g. [1, 3, 640, 640] for an NCHW image.</param>
public readonly record struct OnnxInput(string Name, ReadOnlyMemory<float> Data, long[] Shape);
