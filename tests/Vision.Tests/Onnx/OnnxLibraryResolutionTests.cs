using Native = FaceAspire.Vision.Interop.OnnxRuntime;

namespace FaceAspire.Vision.Tests.Onnx;

/// <summary>Where we look for libonnxruntime.so.1; pure path logic, so these run without the library.</summary>
public sealed class OnnxLibraryResolutionTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("faceaspire-ort-resolve-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void AnExplicitPathIsTheOnlyCandidate()
    {
        IReadOnlyList<string> candidates = Native.Candidates("/opt/ort/libonnxruntime.so.1", "/env/libonnxruntime.so.1",
            _root, out string source, out _);

        Assert.Equal(["/opt/ort/libonnxruntime.so.1"], candidates);
        Assert.Contains("explicit", source);
    }

    [Fact]
    public void TheEnvironmentVariableIsUsedAloneWhenNoPathIsGiven()
    {
        IReadOnlyList<string> candidates = Native.Candidates(null, "/env/libonnxruntime.so.1", _root, out string source, out _);

        Assert.Equal(["/env/libonnxruntime.so.1"], candidates);
        Assert.Contains("FACEASPIRE_ORT_LIBRARY", source);
    }

    [Fact]
    public void OtherwiseTheNearestModelsCacheAboveTheAppIsFoundThenTheSoname()
    {
        string library = Path.Combine(_root, "models", "cache", "libonnxruntime.so.1");
        Directory.CreateDirectory(Path.GetDirectoryName(library)!);
        File.WriteAllBytes(library, []);
        string appDirectory = Directory.CreateDirectory(Path.Combine(_root, "tests", "bin", "Debug")).FullName;

        IReadOnlyList<string> candidates = Native.Candidates(null, null, appDirectory, out _, out string? note);

        Assert.Equal([library, "libonnxruntime.so.1"], candidates);
        Assert.Null(note);
    }

    [Fact]
    public void WhenNoModelsCacheExistsOnlyTheSonameRemainsAndTheSearchIsNoted()
    {
        IReadOnlyList<string> candidates = Native.Candidates(null, "", _root, out _, out string? note);

        Assert.Equal(["libonnxruntime.so.1"], candidates);
        Assert.Contains(Path.Combine("models", "cache", "libonnxruntime.so.1"), note);
    }
}
