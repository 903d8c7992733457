using FaceAspire.Vision.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace FaceAspire.Vision.Tests.Onnx;

public sealed class OnnxSessionTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly float[] TwoRows = [1, 2, 3, 4, 5, 6];

    [Fact]
    public void RuntimeReportsItsVersionBuildAndTheCpuProvider()
    {
        OnnxSessionFactory sessions = OrtLibrary.Sessions;
        output.WriteLine($"ONNX Runtime {sessions.Version} ({OnnxSessionFactory.BuildFlavor} build): {string.Join(", ", sessions.Environment.GetAvailableProviders())}");
        Assert.Equal("1.32.0", sessions.Version);
        Assert.Contains(OnnxSessionFactory.BuildFlavor, new[] { "Cpu", "Cuda" });
        Assert.Equal(ExecutionProvider.Cpu, sessions.Provider);
        Assert.Contains("CPUExecutionProvider", sessions.Environment.GetAvailableProviders());
    }

    [Fact]
    public void SessionDescribesInputsAndOutputsIncludingDynamicDimensions()
    {
        using OnnxSession session = OrtLibrary.Sessions.Open(TestModels.Affine);

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

    [Fact]
    public void AffineModelOutputsAreExact()
    {
        using OnnxSession session = OrtLibrary.Sessions.Open(TestModels.Affine);

        using OnnxOutputs outputs = session.Run(TwoRows, [2, 3]);

        Assert.Equal(3, outputs.Count);
        // [1 2 3]·W + B = [1+6+15+0.5, 2+8+18-1]; [4 5 6]·W + B = [4+15+30+0.5, 8+20+36-1]
        Assert.Equal([22.5f, 27f, 49.5f, 63f], outputs.Floats(0).ToArray());
        Assert.Equal([2L, 2], outputs.Shape(0));
        Assert.Equal([1f, 4, 9, 16, 25, 36], outputs.Floats("Squares").ToArray());
        Assert.Equal([2L, 3], outputs.Shape(1));
        Assert.Equal(TensorElementType.Int64, outputs.ElementType(2));
        Assert.Equal([2L], outputs.Shape(2));
    }

    [Fact]
    public void DynamicBatchDimensionAcceptsAnyRowCount()
    {
        using OnnxSession session = OrtLibrary.Sessions.Open(TestModels.Affine);
        foreach (int rows in new[] { 1, 3, 1000 })
        {
            float[] x = Enumerable.Range(0, rows * 3).Select(i => (float)(i % 17) - 8).ToArray();

            using OnnxOutputs outputs = session.Run(x, [rows, 3]);

            Assert.Equal([rows, 2L], outputs.Shape(0));
            Assert.Equal(TestModels.ExpectedAffine(x), outputs.Floats("Y").ToArray());
        }
    }

    [Theory]
    [InlineData(GraphOptimizationLevel.ORT_DISABLE_ALL)]
    [InlineData(GraphOptimizationLevel.ORT_ENABLE_BASIC)]
    [InlineData(GraphOptimizationLevel.ORT_ENABLE_EXTENDED)]
    [InlineData(GraphOptimizationLevel.ORT_ENABLE_ALL)]
    public void EveryOptimizationLevelGivesTheSameExactOutput(GraphOptimizationLevel level)
    {
        var options = new OnnxSessionOptions(IntraOpThreads: 2, InterOpThreads: 1, Optimization: level);
        using OnnxSession session = new OnnxSessionFactory(options).Open(TestModels.Affine);

        using OnnxOutputs outputs = session.Run(TwoRows, [2, 3]);

        Assert.Equal([22.5f, 27f, 49.5f, 63f], outputs.Floats("Y").ToArray());
    }

    [Fact]
    public void ReadingANonFloatOutputAsFloatsThrows()
    {
        using OnnxSession session = OrtLibrary.Sessions.Open(TestModels.Affine);
        using OnnxOutputs outputs = session.Run(TwoRows, [2, 3]);

        var error = Assert.Throws<InvalidOperationException>(() => outputs.Floats("XShape").Length);
        Assert.Contains("Int64", error.Message);
        Assert.Throws<ArgumentException>(() => outputs.Floats("NoSuchOutput").Length);
    }

    [Fact]
    public void DisposedOutputsRefuseToHandOutSpans()
    {
        using OnnxSession session = OrtLibrary.Sessions.Open(TestModels.Affine);
        OnnxOutputs outputs = session.Run(TwoRows, [2, 3]);
        outputs.Dispose();

        Assert.Throws<ObjectDisposedException>(() => outputs.Floats(0).Length);
    }

}
