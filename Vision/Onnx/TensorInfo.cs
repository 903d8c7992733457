using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceAspire.Vision.Onnx;

/// <summary>A model input or output as declared in the graph.</summary>
/// <param name="Name">The graph's name for it, used to feed or read it by name.</param>
/// <param name="ElementType">Element type (ONNX Runtime's <see cref="TensorElementType"/>).</param>
/// <param name="Shape">Declared dimensions, outermost first; -1 marks a dynamic dimension (e.g. batch, or a
/// symbolic "height"). Empty for scalars.</param>
public sealed record TensorInfo(string Name, TensorElementType ElementType, long[] Shape)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Name}: {ElementType}[{string.Join(",", Shape)}]";
}
