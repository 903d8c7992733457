using FaceAspire.Vision;
using FaceAspire.Vision.Onnx;

namespace FaceAspire.Cli;

/// <summary>Builds the analyzer the commands share, from defaults plus command-line overrides.</summary>
public static class Engine
{
    /// <summary>
    /// Creates a <see cref="FaceAnalyzer"/>. <paramref name="intraOpThreads"/> is per session; commands that run
    /// images in parallel use 1 so cores are not oversubscribed. <paramref name="flipAveraging"/> off embeds each
    /// face once (the work of the engine before flip averaging; <c>bench --no-flip</c>). The execution provider comes
    /// from the services' configuration keys as environment variables (<c>Vision__ExecutionProvider</c>,
    /// <c>Vision__CudaDeviceId</c>, <c>Vision__CudaFallbackToCpu</c>), so a GPU is tried the same way in both, and so
    /// can flip averaging be turned off for any command (<c>Vision__FlipAveraging=false</c>).
    /// </summary>
    /// <exception cref="UsageException">One of those variables has a value it cannot take.</exception>
    public static FaceAnalyzer Create(string? emotion = null, int intraOpThreads = 1, bool flipAveraging = true) => new(new VisionOptions
    {
        Emotion = emotion,
        Session = new() { IntraOpThreads = intraOpThreads },
        FlipAveraging = flipAveraging && Parse("Vision__FlipAveraging", true, s => bool.TryParse(s, out var b) ? b : null),
        ExecutionProvider = Parse("Vision__ExecutionProvider", ExecutionProvider.Cpu, s => Enum.TryParse<ExecutionProvider>(s, true, out var p) ? p : null),
        CudaDeviceId = Parse("Vision__CudaDeviceId", 0, s => int.TryParse(s, out var id) && id >= 0 ? id : null),
        CudaFallbackToCpu = Parse("Vision__CudaFallbackToCpu", false, s => bool.TryParse(s, out var b) ? b : null),
    });

    private static T Parse<T>(string variable, T fallback, Func<string, T?> parse) where T : struct =>
        Environment.GetEnvironmentVariable(variable) is not { Length: > 0 } text ? fallback
        : parse(text) ?? throw new UsageException($"{variable}={text} is not a valid value.");
}
