using System.Reflection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace FaceAspire.Vision.Onnx;

/// <summary>
/// Opens <see cref="OnnxSession"/>s with the configured threads, optimisation level and execution provider, on the
/// process's one ONNX Runtime environment (<see cref="OrtEnv"/>, created here with our logger and telemetry events
/// disabled). Thread-safe; one per process (the analyzer owns it).
/// <para>
/// CUDA: the provider list of a build is no proof that CUDA works (the CUDA build lists it on machines without a
/// GPU), so the first session is opened with CUDA appended, and failure there, as <see cref="OnnxRuntimeException"/>
/// or, on the CPU build, <see cref="EntryPointNotFoundException"/>, decides: one log line, then CPU or a stop by
/// <see cref="ExecutionProviderChoice.FallBackToCpu"/>.
/// </para>
/// </summary>
public sealed class OnnxSessionFactory
{
    private static readonly Lock EnvLock = new();
    private static ILogger s_ortLogger = NullLogger.Instance;
    private static DOrtLoggingFunction? s_logFunction; // kept reachable: ONNX Runtime calls it for the process's life

    private readonly OnnxSessionOptions _options;
    private readonly ExecutionProviderChoice _choice;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private bool _providerSettled;

    /// <summary>Creates the process's ONNX Runtime environment on first use and remembers the options.</summary>
    /// <param name="options">Threads and optimisation for every session.</param>
    /// <param name="choice">Execution provider asked for; null = CPU.</param>
    /// <param name="loggerFactory">Receives our messages and ONNX Runtime's own log (category
    /// FaceAspire.Vision.Onnx.OnnxSessionFactory; warnings and up unless Debug/Trace was on when the environment was
    /// made). ONNX Runtime has one environment per process, so its log goes to the latest factory given one.</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative thread count.</exception>
    public OnnxSessionFactory(OnnxSessionOptions? options = null, ExecutionProviderChoice? choice = null, ILoggerFactory? loggerFactory = null)
    {
        _options = options ?? new OnnxSessionOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(_options.IntraOpThreads, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(_options.InterOpThreads, nameof(options));
        _choice = choice ?? new ExecutionProviderChoice();
        _logger = loggerFactory?.CreateLogger<OnnxSessionFactory>() ?? NullLogger<OnnxSessionFactory>.Instance;
        Environment = EnsureEnvironment(loggerFactory?.CreateLogger<OnnxSessionFactory>());
        Provider = _choice.Provider;
        _providerSettled = Provider == ExecutionProvider.Cpu;
    }

    /// <summary>
    /// The build of ONNX Runtime this process was compiled against: <c>Cpu</c> (Microsoft.ML.OnnxRuntime) or <c>Cuda</c>
    /// (Microsoft.ML.OnnxRuntime.Gpu.Linux, <c>-p:OnnxRuntimeFlavor=Cuda</c>).
    /// </summary>
    public static string BuildFlavor { get; } = typeof(OnnxSessionFactory).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "OnnxRuntimeFlavor")?.Value ?? "Cpu";

    /// <summary>The process's ONNX Runtime environment.</summary>
    public OrtEnv Environment { get; }

    /// <summary>ONNX Runtime's version string, e.g. "1.32.0".</summary>
    public string Version => Environment.GetVersionString();

    /// <summary>
    /// The provider sessions run on: the one asked for, or Cpu after a CUDA request fell back. Settled by the first
    /// <see cref="Open"/>.
    /// </summary>
    public ExecutionProvider Provider { get; private set; }

    /// <summary>Loads an .onnx model into a new session, shared by every thread that runs it.</summary>
    /// <param name="modelPath">Path of the .onnx file (relative paths resolve against the current directory).</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime rejected the model (corrupt, truncated, unsupported opset);
    /// the message carries its text.</exception>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA was asked for, cannot be had, and falling back to
    /// the CPU is not allowed.</exception>
    public OnnxSession Open(string modelPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        string fullPath = Path.GetFullPath(modelPath);
        if (!File.Exists(fullPath))
            throw new FileNotFoundException($"ONNX model file '{fullPath}' does not exist.", fullPath);
        lock (_lock)
        {
            var session = _providerSettled ? Create(fullPath, Provider) : SettleProvider(fullPath);
            var opened = new OnnxSession(fullPath, session);
            _logger.LogInformation("Opened {Model} on {Provider}: inputs {Inputs}; outputs {Outputs}", fullPath, Provider,
                string.Join("; ", opened.Inputs), string.Join("; ", opened.Outputs));
            return opened;
        }
    }

    private InferenceSession SettleProvider(string fullPath)
    {
        try
        {
            var session = Create(fullPath, ExecutionProvider.Cuda);
            _providerSettled = true;
            _logger.LogInformation("ONNX Runtime {Version} ({Flavor} build) runs on CUDA device {Device}", Version, BuildFlavor, _choice.CudaDeviceId);
            return session;
        }
        catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
        {
            string why = BuildFlavor == "Cuda"
                ? "the CUDA build of ONNX Runtime could not start CUDA here (it needs an NVIDIA GPU, CUDA 13 and cuDNN 9)"
                : "this is the CPU build of ONNX Runtime (build with -p:OnnxRuntimeFlavor=Cuda)";
            // ONNX Runtime's own error line, logged just before this, names the library that failed to load.
            string message = $"Vision:ExecutionProvider is Cuda (device {_choice.CudaDeviceId}) but {why}: {e.GetType().Name}: {FirstLine(e.Message)}";
            if (!_choice.FallBackToCpu)
            {
                _logger.LogCritical("{Message}; stopping (set Vision:CudaFallbackToCpu=true to run on the CPU instead)", message);
                throw new ExecutionProviderUnavailableException(
                    $"{message}. Set Vision:CudaFallbackToCpu=true to run on the CPU instead, or Vision:ExecutionProvider=Cpu.", e);
            }
            _logger.LogWarning("{Message}; running on the CPU (Vision:CudaFallbackToCpu=true)", message);
            Provider = ExecutionProvider.Cpu;
            _providerSettled = true;
            return Create(fullPath, ExecutionProvider.Cpu);
        }
    }

    private InferenceSession Create(string fullPath, ExecutionProvider provider)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = _options.IntraOpThreads,
            InterOpNumThreads = _options.InterOpThreads,
            GraphOptimizationLevel = _options.Optimization,
        };
        if (provider == ExecutionProvider.Cuda)
            options.AppendExecutionProvider_CUDA(_choice.CudaDeviceId);
        return new InferenceSession(fullPath, options);
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim().TrimEnd('.');

    private static OrtEnv EnsureEnvironment(ILogger? logger)
    {
        lock (EnvLock)
        {
            if (logger is not null)
                s_ortLogger = logger;
            if (s_logFunction is not null)
                return OrtEnv.Instance();
            s_logFunction = OnLog;
            var sink = logger ?? NullLogger.Instance;
            var creation = new EnvironmentCreationOptions
            {
                logId = "faceaspire",
                logLevel = sink.IsEnabled(LogLevel.Trace) ? OrtLoggingLevel.ORT_LOGGING_LEVEL_VERBOSE
                    : sink.IsEnabled(LogLevel.Debug) ? OrtLoggingLevel.ORT_LOGGING_LEVEL_INFO
                    : OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
                loggingFunction = s_logFunction,
            };
            // DisableTelemetryEvents() below stops events being sent, but ONNX Runtime would still write a device id and
            // an event queue under ~/.cache when the environment is created; ORT_DISABLE_TELEMETRY, read with getenv at
            // that moment, stops that too (README, "What ONNX Runtime writes to disk"). A value set from outside wins.
            NativeEnvironment.SetIfUnset("ORT_DISABLE_TELEMETRY", "1");
            var env = OrtEnv.CreateInstanceWithOptions(ref creation);
            env.DisableTelemetryEvents();
            return env;
        }
    }

    private static void OnLog(nint param, OrtLoggingLevel severity, string category, string logId, string codeLocation, string message)
    {
        try
        {
            LogLevel level = severity switch
            {
                OrtLoggingLevel.ORT_LOGGING_LEVEL_VERBOSE => LogLevel.Trace,
                // ONNX Runtime's INFO is diagnostics (arena extensions, graph transformers), dozens of lines per start.
                OrtLoggingLevel.ORT_LOGGING_LEVEL_INFO => LogLevel.Debug,
                OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING => LogLevel.Warning,
                OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR => LogLevel.Error,
                _ => LogLevel.Critical,
            };
            ILogger logger = Volatile.Read(ref s_ortLogger);
            if (logger.IsEnabled(level))
                logger.Log(level, "[ORT {Category} {Location}] {Message}", category, codeLocation, message);
        }
        catch (Exception)
        {
            // Exceptions must not cross back into native code; a dropped log line is better than a crash.
        }
    }
}
