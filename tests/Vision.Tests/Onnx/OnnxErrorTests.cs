using FaceAspire.Vision.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace FaceAspire.Vision.Tests.Onnx;

public sealed class OnnxErrorTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void RandomBytesAsAModelRaiseOrtsOwnError()
    {
        var bytes = new byte[4096];
        new Random(20240611).NextBytes(bytes);
        string path = TestModels.Write("random.onnx", bytes);

        var error = Assert.Throws<OnnxRuntimeException>(() => OrtLibrary.Sessions.Open(path));
        Show(error);

        Assert.Contains("random.onnx", error.Message);
        Assert.Contains("Load model from", error.Message); // ONNX Runtime's text, not ours
    }

    [Fact]
    public void ATruncatedModelRaisesOrtsOwnError()
    {
        byte[] whole = File.ReadAllBytes(TestModels.Affine);
        string path = TestModels.Write("truncated.onnx", whole[..(whole.Length / 2)]);

        var error = Assert.Throws<OnnxRuntimeException>(() => OrtLibrary.Sessions.Open(path));
        Show(error);

        Assert.Contains("Protobuf parsing failed", error.Message);
        Assert.Contains("InvalidProtobuf", error.Message);
    }

    [Fact]
    public void AMissingModelFileIsReportedWithItsPath()
    {
        string path = Path.Combine(Path.GetTempPath(), "faceaspire-no-such-model.onnx");

        var error = Assert.Throws<FileNotFoundException>(() => OrtLibrary.Sessions.Open(path));
        Show(error);

        Assert.Equal(path, error.FileName);
    }

    [Fact]
    public void AnInputOfTheWrongRankRaisesOrtsMessageInsteadOfCrashing()
    {
        using OnnxSession session = OrtLibrary.Sessions.Open(TestModels.Affine);

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run(new float[6], [1, 2, 3]));
        Show(error);

        Assert.Contains("Invalid rank for input: X", error.Message);
        Assert.Contains("InvalidArgument", error.Message);
    }

    [Fact]
    public void AnInputWithTheWrongFixedDimensionRaisesOrtsMessage()
    {
        using OnnxSession session = OrtLibrary.Sessions.Open(TestModels.Affine);

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run(new float[8], [2, 4]));
        Show(error);

        Assert.Contains("Got invalid dimensions for input: X", error.Message);
    }

    [Fact]
    public void AMissingSecondInputRaisesOrtsMessage()
    {
        using OnnxSession session = OrtLibrary.Sessions.Open(TestModels.TwoInputs);

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run(new float[2], [2]));
        Show(error);

        Assert.Contains("B", error.Message);
    }

    [Fact]
    public void DataThatDoesNotFillTheShapeIsRejectedBeforeReachingOrt()
    {
        using OnnxSession session = OrtLibrary.Sessions.Open(TestModels.Affine);

        Assert.Throws<ArgumentException>(() => session.Run(new float[5], [2, 3]));
        Assert.Throws<ArgumentException>(() => session.Run(new float[6], [-2, -3]));
    }

    // Prints the message so a reader of the test log sees exactly what callers get.
    private void Show(Exception error) => output.WriteLine($"{error.GetType().Name}: {error.Message}");
}
