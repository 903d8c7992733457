using FaceAspire.Vision.Onnx;
using static FaceAspire.Vision.Tests.Onnx.OnnxModelWriter;

namespace FaceAspire.Vision.Tests.Onnx;

/// <summary>One session factory for the ONNX Runtime tests (the process has one ONNX Runtime environment anyway).</summary>
internal static class OrtLibrary
{
    internal static OnnxSessionFactory Sessions { get; } = new();
}

/// <summary>Tiny models written into a temporary directory, with their exact expected outputs.</summary>
internal static class TestModels
{
    // W is 3x2, B is 2: Y = X·W + B. Small integers and halves keep every product and sum exact in float32.
    internal static readonly float[] W = [1, 2, 3, 4, 5, 6];
    internal static readonly float[] B = [0.5f, -1];

    private static readonly Lazy<string> s_directory = new(() =>
    {
        string dir = Path.Combine(Path.GetTempPath(), $"faceaspire-ort-tests-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(dir, recursive: true);
        return dir;
    });

    /// <summary>
    /// Input X: float [batch, 3]. Outputs: Y = X·W + B, float [batch, 2]; Squares = X⊙X, float [batch, 3];
    /// XShape = Shape(X), int64 [2] (a non-float output).
    /// </summary>
    internal static string Affine => Write("affine.onnx", Model("affine",
        [
            new Node("MatMul", ["X", "W"], ["XW"]),
            new Node("Add", ["XW", "B"], ["Y"]),
            new Node("Mul", ["X", "X"], ["Squares"]),
            new Node("Shape", ["X"], ["XShape"]),
        ],
        [new Initializer("W", [3, 2], W), new Initializer("B", [2], B)],
        [new Value("X", 1, "batch", "3")],
        [new Value("Y", 1, "batch", "2"), new Value("Squares", 1, "batch", "3"), new Value("XShape", 7, "2")]));

    /// <summary>Inputs A, B: float [2]. Outputs Sum = A + B and Product = A ⊙ B, float [2].</summary>
    internal static string TwoInputs => Write("two-inputs.onnx", Model("two_inputs",
        [new Node("Add", ["A", "B"], ["Sum"]), new Node("Mul", ["A", "B"], ["Product"])],
        [],
        [new Value("A", 1, "2"), new Value("B", 1, "2")],
        [new Value("Sum", 1, "2"), new Value("Product", 1, "2")]));

    /// <summary>Y = X·W + B computed in double, row by row; exact for the small values the tests use.</summary>
    internal static float[] ExpectedAffine(ReadOnlySpan<float> x)
    {
        int rows = x.Length / 3;
        var y = new float[rows * 2];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < 2; c++)
            {
                double sum = B[c];
                for (int k = 0; k < 3; k++)
                {
                    sum += (double)x[(r * 3) + k] * W[(k * 2) + c];
                }
                y[(r * 2) + c] = (float)sum;
            }
        }
        return y;
    }

    internal static string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(s_directory.Value, name);
        lock (s_directory)
        {
            if (!File.Exists(path))
            {
                File.WriteAllBytes(path, bytes);
            }
        }
        return path;
    }
}
