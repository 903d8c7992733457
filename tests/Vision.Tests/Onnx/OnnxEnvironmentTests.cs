using System.Collections.Concurrent;
using FaceAspire.Vision.Onnx;
using Microsoft.Extensions.Logging;
using static FaceAspire.Vision.Tests.Onnx.OnnxModelWriter;

namespace FaceAspire.Vision.Tests.Onnx;

/// <summary>
/// The process-wide parts of ONNX Runtime: its log, and the answer to a CUDA request on a machine without a GPU, by
/// the CPU build (the default) and by the CUDA build (<c>dotnet test -p:OnnxRuntimeFlavor=Cuda</c>). One class, so its
/// tests run one after another: ONNX Runtime's log goes to the latest factory given a logger.
/// </summary>
public sealed class OnnxEnvironmentTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void OrtsOwnWarningsReachTheLoggerFactory()
    {
        var capture = new CapturingLoggerFactory();
        var sessions = new OnnxSessionFactory(loggerFactory: capture);
        // An initializer no node uses: ONNX Runtime warns that it removes it while loading.
        string path = TestModels.Write("unused-initializer.onnx", Model("unused",
            [new Node("Neg", ["X"], ["Y"])],
            [new Initializer("Unused", [1], [7f])],
            [new Value("X", 1, "2")],
            [new Value("Y", 1, "2")]));
        using OnnxSession session = sessions.Open(path);
        Assert.Contains(capture.Lines, line => line.Level == LogLevel.Warning && line.Text.Contains("Unused"));
    }

    [Fact]
    public void ACudaRequestWithoutCudaStopsWithOneClearLine()
    {
        var capture = new CapturingLoggerFactory();
        var sessions = new OnnxSessionFactory(choice: new ExecutionProviderChoice(ExecutionProvider.Cuda, CudaDeviceId: 0, FallBackToCpu: false),
            loggerFactory: capture);
        var error = Assert.Throws<ExecutionProviderUnavailableException>(() => sessions.Open(TestModels.Affine));
        output.WriteLine(error.Message);
        Assert.Contains("Vision:CudaFallbackToCpu=true", error.Message);
        if (OnnxSessionFactory.BuildFlavor == "Cpu")
        {
            // The CPU package has no CUDA entry point at all: the C# API's P/Invoke fails, and we say why.
            Assert.Contains("CPU build of ONNX Runtime", error.Message);
            Assert.Contains("-p:OnnxRuntimeFlavor=Cuda", error.Message);
            Assert.IsType<EntryPointNotFoundException>(error.InnerException);
        }
        else
        {
            // The CUDA build finds its provider but not the CUDA libraries (or a GPU) it needs.
            Assert.Contains("CUDA 13 and cuDNN 9", error.Message);
            Assert.IsType<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(error.InnerException);
        }
        var line = Assert.Single(capture.Lines, l => l.Level >= LogLevel.Warning && l.Text.Contains("Cuda"));
        Assert.Equal(LogLevel.Critical, line.Level);
    }

    [Fact]
    public void ACudaRequestWithoutCudaFallsBackToTheCpuWhenAllowed()
    {
        var capture = new CapturingLoggerFactory();
        var sessions = new OnnxSessionFactory(choice: new ExecutionProviderChoice(ExecutionProvider.Cuda, FallBackToCpu: true),
            loggerFactory: capture);
        using (var session = sessions.Open(TestModels.Affine))
        using (var outputs = session.Run([1, 2, 3, 4, 5, 6], [2, 3]))
            Assert.Equal([22.5f, 27f, 49.5f, 63f], outputs.Floats("Y").ToArray());
        Assert.Equal(ExecutionProvider.Cpu, sessions.Provider);
        // A second session goes straight to the CPU: the decision and its warning come once.
        using (sessions.Open(TestModels.TwoInputs)) { }
        var line = Assert.Single(capture.Lines, l => l.Level >= LogLevel.Warning && l.Text.Contains("Cuda"));
        output.WriteLine(line.Text);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains("running on the CPU", line.Text);
    }

    private sealed class CapturingLoggerFactory : ILoggerFactory, ILogger
    {
        public ConcurrentQueue<(LogLevel Level, string Text)> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider) { }

        public void Dispose() { }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter) => Lines.Enqueue((logLevel, formatter(state, exception)));
    }
}
