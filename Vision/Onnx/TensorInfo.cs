namespace FaceAspire.Vision.Onnx;

/// <summary>
/// Tensor element types, numbered as ONNX TensorProto.DataType and ORT's ONNXTensorElementDataType
/// (onnx/onnx.proto; onnxruntime_c_api.h).
/// </summary>
public enum TensorElementType
{
    Undefined = 0,
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Float16 = 10,
    Double = 11,
    UInt32 = 12,
    UInt64 = 13,
    Complex64 = 14,
    Complex128 = 15,
    BFloat16 = 16,
    Float8E4M3FN = 17,
    Float8E4M3FNUZ = 18,
    Float8E5M2 = 19,
    Float8E5M2FNUZ = 20,
    UInt4 = 21,
    Int4 = 22,
}

/// <summary>A model input or output as declared in the graph.</summary>
/// <param name="Name">The graph's name for it, used to feed or read it by name.</param>
/// <param name="ElementType">Element type; <see cref="TensorElementType.Undefined"/> for non-tensor values
/// (sequences, maps).</param>
/// <param name="Shape">Declared dimensions, outermost first; -1 marks a dynamic dimension (e.g. batch, or a
/// symbolic "height"). Empty for scalars and non-tensors.</param>
public sealed record TensorInfo(string Name, TensorElementType ElementType, long[] Shape)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {ElementType}[{string.Join(",", Shape)}]";
}
