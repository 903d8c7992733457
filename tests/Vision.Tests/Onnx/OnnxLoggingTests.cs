using System.Collections.Concurrent;
using FaceAspire.Vision.Onnx;
using Microsoft.Extensions.Logging;
using static FaceAspire.Vision.Tests.Onnx.OnnxModelWriter;

namespace FaceAspire.Vision.Tests.Onnx;

public sealed class OnnxLoggingTests
{
    [OrtFact]
    public void OrtsOwnWarningsReachTheLoggerFactory()
    {
        var capture = new CapturingLoggerFactory();
        using OnnxRuntime runtime = OnnxRuntime.Create(loggerFactory: capture);
        // An initializer no node uses: ORT warns that it removes it while loading.
        string path = TestModels.Write("unused-initializer.onnx", Model("unused",
            [new Node("Neg", ["X"], ["Y"])],
            [new Initializer("Unused", [1], [7f])],
            [new Value("X", 1, "2")],
            [new Value("Y", 1, "2")]));

        using OnnxSession session = runtime.OpenSession(path);

        Assert.Contains(capture.Lines, line => line.Level == LogLevel.Warning && line.Text.Contains("Unused"));
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
