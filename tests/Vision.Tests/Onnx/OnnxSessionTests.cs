using FaceAspire.Vision.Onnx;

namespace FaceAspire.Vision.Tests.Onnx;

public sealed class OnnxSessionTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly float[] TwoRows = [1, 2, 3, 4, 5, 6];

    [OrtFact]
    public void RuntimeReportsItsVersionAndTheCpuProvider()
    {
        OnnxRuntime runtime = OrtLibrary.Runtime;

        output.WriteLine($"ONNX Runtime {runtime.Version} from {runtime.LibraryPath}: {string.Join(", ", runtime.AvailableProviders)}");
        Assert.Matches(@"^\d+\.\d+\.\d+", runtime.Version);
        Assert.EndsWith("libonnxruntime.so.1", runtime.LibraryPath);
        // GetAvailableProviders is table entry 125: a right answer also checks our count of the OrtApi struct.
        Assert.Contains("CPUExecutionProvider", runtime.AvailableProviders);
    }

    [OrtFact]
    public void SessionDescribesInputsAndOutputsIncludingDynamicDimensions()
    {
        using OnnxSession session = OrtLibrary.Runtime.OpenSession(TestModels.Affine);

        Assert.Equal(TestModels.Affine, session.ModelPath);
        TensorInfo input = Assert.Single(session.Inputs);
        Assert.Equal("X", input.Name);
        Assert.Equal(TensorElementType.Float, input.ElementType);
        Assert.Equal([-1L, 3], input.Shape);
        Assert.Equal(["Y", "Squares", "XShape"], session.Outputs.Select(o => o.Name));
        Assert.Equal([TensorElementType.Float, TensorElementType.Float, TensorElementType.Int64],
            session.Outputs.Select(o => o.ElementType));
        Assert.Equal([-1L, 2], session.Outputs[0].Shape);
        Assert.Equal([-1L, 3], session.Outputs[1].Shape);
        Assert.Equal([2L], session.Outputs[2].Shape);
    }

    [OrtFact]
    public void AffineModelOutputsAreExact()
    {
        using OnnxSession session = OrtLibrary.Runtime.OpenSession(TestModels.Affine);

        using OnnxOutputs outputs = session.Run(TwoRows, [2, 3]);

        Assert.Equal(3, outputs.Count);
        Assert.Equal("Y", outputs.Name(0));
        // [1 2 3]·W + B = [1+6+15+0.5, 2+8+18-1]; [4 5 6]·W + B = [4+15+30+0.5, 8+20+36-1]
        Assert.Equal([22.5f, 27f, 49.5f, 63f], outputs.Floats(0).ToArray());
        Assert.Equal([2L, 2], outputs.Shape(0));
        Assert.Equal([1f, 4, 9, 16, 25, 36], outputs.Floats("Squares").ToArray());
        Assert.Equal([2L, 3], outputs.Shape(1));
        Assert.Equal(TensorElementType.Int64, outputs.ElementType(2));
        Assert.Equal([2L], outputs.Shape(2));
    }

    [OrtFact]
    public void DynamicBatchDimensionAcceptsAnyRowCount()
    {
        using OnnxSession session = OrtLibrary.Runtime.OpenSession(TestModels.Affine);
        foreach (int rows in new[] { 1, 3, 1000 })
        {
            float[] x = Enumerable.Range(0, rows * 3).Select(i => (float)(i % 17) - 8).ToArray();

            using OnnxOutputs outputs = session.Run(x, [rows, 3]);

            Assert.Equal([rows, 2L], outputs.Shape(0));
            Assert.Equal(TestModels.ExpectedAffine(x), outputs.Floats("Y").ToArray());
        }
    }

    [OrtTheory]
    [InlineData(GraphOptimizationLevel.Disabled)]
    [InlineData(GraphOptimizationLevel.Basic)]
    [InlineData(GraphOptimizationLevel.Extended)]
    [InlineData(GraphOptimizationLevel.All)]
    public void EveryOptimizationLevelGivesTheSameExactOutput(GraphOptimizationLevel level)
    {
        var options = new OnnxSessionOptions(IntraOpThreads: 2, InterOpThreads: 1, Optimization: level);
        using OnnxSession session = OrtLibrary.Runtime.OpenSession(TestModels.Affine, options);

        using OnnxOutputs outputs = session.Run(TwoRows, [2, 3]);

        Assert.Equal([22.5f, 27f, 49.5f, 63f], outputs.Floats("Y").ToArray());
    }

    [OrtFact]
    public void NamedInputsAreFedByNameInAnyOrder()
    {
        using OnnxSession session = OrtLibrary.Runtime.OpenSession(TestModels.TwoInputs);

        using OnnxOutputs outputs = session.Run(
        [
            new OnnxInput("B", new float[] { 10, -0.5f }, [2]),
            new OnnxInput("A", new float[] { 3, 4 }, [2]),
        ]);

        Assert.Equal([13f, 3.5f], outputs.Floats("Sum").ToArray());
        Assert.Equal([30f, -2f], outputs.Floats("Product").ToArray());
    }

    [OrtFact]
    public void NamedInputsMaySliceALargerBuffer()
    {
        using OnnxSession session = OrtLibrary.Runtime.OpenSession(TestModels.TwoInputs);
        float[] buffer = [99, 1, 2, 99, 5, 7, 99];

        using OnnxOutputs outputs = session.Run(
        [
            new OnnxInput("A", buffer.AsMemory(1, 2), [2]),
            new OnnxInput("B", buffer.AsMemory(4, 2), [2]),
        ]);

        Assert.Equal([6f, 9f], outputs.Floats("Sum").ToArray());
    }

    [OrtFact]
    public void ReadingANonFloatOutputAsFloatsThrows()
    {
        using OnnxSession session = OrtLibrary.Runtime.OpenSession(TestModels.Affine);
        using OnnxOutputs outputs = session.Run(TwoRows, [2, 3]);

        var error = Assert.Throws<InvalidOperationException>(() => outputs.Floats("XShape").Length);
        Assert.Contains("Int64", error.Message);
        Assert.Throws<ArgumentException>(() => outputs.Floats("NoSuchOutput").Length);
    }

    [OrtFact]
    public void DisposedOutputsRefuseToHandOutSpans()
    {
        using OnnxSession session = OrtLibrary.Runtime.OpenSession(TestModels.Affine);
        OnnxOutputs outputs = session.Run(TwoRows, [2, 3]);
        outputs.Dispose();

        Assert.Throws<ObjectDisposedException>(() => outputs.Floats(0).Length);
    }

    [OrtFact]
    public void OutputsStayReadableAfterTheSessionIsDisposed()
    {
        OnnxSession session = OrtLibrary.Runtime.OpenSession(TestModels.Affine);
        using OnnxOutputs outputs = session.Run(TwoRows, [2, 3]);
        session.Dispose();

        Assert.Equal([22.5f, 27f, 49.5f, 63f], outputs.Floats(0).ToArray());
        Assert.Throws<ObjectDisposedException>(() => session.Run(TwoRows, [2, 3]));
    }
}
