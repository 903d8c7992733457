using FaceAspire.Vision.Onnx;

namespace FaceAspire.Vision.Tests.Onnx;

public sealed class OnnxErrorTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [OrtFact]
    public void RandomBytesAsAModelRaiseOrtsOwnError()
    {
        var bytes = new byte[4096];
        new Random(20240611).NextBytes(bytes);
        string path = TestModels.Write("random.onnx", bytes);

        var error = Assert.Throws<OnnxRuntimeException>(() => OrtLibrary.Runtime.OpenSession(path));
        Show(error);

        Assert.Contains("random.onnx", error.Message);
        Assert.Contains("Load model from", error.Message); // ORT's text, not ours
        Assert.NotEqual(OrtErrorCode.Ok, error.Code);
    }

    [OrtFact]
    public void ATruncatedModelRaisesOrtsOwnError()
    {
        byte[] whole = File.ReadAllBytes(TestModels.Affine);
        string path = TestModels.Write("truncated.onnx", whole[..(whole.Length / 2)]);

        var error = Assert.Throws<OnnxRuntimeException>(() => OrtLibrary.Runtime.OpenSession(path));
        Show(error);

        Assert.Contains("Protobuf parsing failed", error.Message);
        Assert.Equal(OrtErrorCode.InvalidProtobuf, error.Code);
    }

    [OrtFact]
    public void AMissingModelFileIsReportedWithItsPath()
    {
        string path = Path.Combine(Path.GetTempPath(), "faceaspire-no-such-model.onnx");

        var error = Assert.Throws<FileNotFoundException>(() => OrtLibrary.Runtime.OpenSession(path));
        Show(error);

        Assert.Equal(path, error.FileName);
    }

    [OrtFact]
    public void AnInputOfTheWrongRankRaisesOrtsMessageInsteadOfCrashing()
    {
        using OnnxSession session = OrtLibrary.Runtime.OpenSession(TestModels.Affine);

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run(new float[6], [1, 2, 3]));
        Show(error);

        Assert.Contains("Invalid rank for input: X", error.Message);
        Assert.Equal(OrtErrorCode.InvalidArgument, error.Code);
    }

    [OrtFact]
    public void AnInputWithTheWrongFixedDimensionRaisesOrtsMessage()
    {
        using OnnxSession session = OrtLibrary.Runtime.OpenSession(TestModels.Affine);

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run(new float[8], [2, 4]));
        Show(error);

        Assert.Contains("Got invalid dimensions for input: X", error.Message);
    }

    [OrtFact]
    public void AMissingSecondInputRaisesOrtsMessage()
    {
        using OnnxSession session = OrtLibrary.Runtime.OpenSession(TestModels.TwoInputs);

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run(new float[2], [2]));
        Show(error);

        Assert.Contains("B", error.Message);
    }

    [OrtFact]
    public void DataThatDoesNotFillTheShapeIsRejectedBeforeReachingOrt()
    {
        using OnnxSession session = OrtLibrary.Runtime.OpenSession(TestModels.Affine);

        Assert.Throws<ArgumentException>(() => session.Run(new float[5], [2, 3]));
        Assert.Throws<ArgumentException>(() => session.Run(new float[6], [-2, -3]));
        Assert.Throws<ArgumentException>(() => session.Run([new OnnxInput("Z", new float[6], [2, 3])]));
    }

    [OrtFact]
    public void RequestingCudaOnTheCpuOnlyBuildRaisesAClearError()
    {
        var error = Assert.Throws<OnnxRuntimeException>(() =>
            OrtLibrary.Runtime.OpenSession(TestModels.Affine, new OnnxSessionOptions(UseCuda: true)));
        Show(error);

        Assert.Contains("CUDA execution provider could not be added", error.Message);
        Assert.Contains("libonnxruntime_providers_cuda.so", error.Message);
        // ORT's own text names the function it ran: proof that table entry 152 is the CUDA append.
        Assert.Contains("ORT said: OrtSessionOptionsAppendExecutionProvider_Cuda", error.Message);
    }

    [OrtFact]
    public void AMissingLibraryIsReportedWithThePathsTried()
    {
        const string path = "/nonexistent/faceaspire/libonnxruntime.so.1";

        var error = Assert.Throws<DllNotFoundException>(() => OnnxRuntime.Create(path));
        Show(error);

        Assert.Contains(path, error.Message);
        Assert.Contains("models/fetch.sh", error.Message);
    }

    // Prints the message so a reader of the test log sees exactly what callers get.
    private void Show(Exception error) => output.WriteLine(error is OnnxRuntimeException ort
        ? $"OnnxRuntimeException({ort.Code}): {ort.Message}"
        : $"{error.GetType().Name}: {error.Message}");
}
