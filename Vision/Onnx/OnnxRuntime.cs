using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Native = FaceAspire.Vision.Interop.OnnxRuntime;

namespace FaceAspire.Vision.Onnx;

/// <summary>
/// Entry point to ONNX Runtime through our own binding of its C API (docs/adr/0001). It stands in for the
/// Microsoft.ML.OnnxRuntime NuGet package, which this package registry lacks. Holds a reference on the process's
/// single OrtEnv (ORT shares one per process) and opens <see cref="OnnxSession"/>s. Thread-safe; create one per
/// process (e.g. a DI singleton) and dispose it at shutdown, after its sessions.
/// </summary>
public sealed class OnnxRuntime : IDisposable
{
    private readonly Native.EnvHandle _env;
    private readonly Native.MemoryInfoHandle _cpuMemory;
    private readonly ILogger _logger;
    private volatile bool _disposed; // the handles stay open while sessions reference them, so track it here

    private OnnxRuntime(string libraryPath, string version, Native.EnvHandle env, Native.MemoryInfoHandle cpuMemory,
        ILogger logger)
    {
        LibraryPath = libraryPath;
        Version = version;
        _env = env;
        _cpuMemory = cpuMemory;
        _logger = logger;
        AvailableProviders = Native.GetAvailableProviders();
    }

    /// <summary>ORT's version string, e.g. "1.30.0".</summary>
    public string Version { get; }

    /// <summary>The library file (or soname) that was loaded.</summary>
    public string LibraryPath { get; }

    /// <summary>
    /// Execution providers the library knows (GetAvailableProviders), e.g. the npm 1.30 build lists TensorRT, CUDA,
    /// WebGPU and CPU. All but CPU also need their provider libraries next to it, which that build does not ship.
    /// </summary>
    public IReadOnlyList<string> AvailableProviders { get; }

    /// <summary>
    /// Loads libonnxruntime.so.1 (once per process) and takes a reference on the OrtEnv.
    /// The library is looked for at <paramref name="libraryPath"/> if given; else at the file named by the environment
    /// variable FACEASPIRE_ORT_LIBRARY if set; else at models/cache/libonnxruntime.so.1 in the nearest ancestor of
    /// <see cref="AppContext.BaseDirectory"/> that has one (where models/fetch.sh puts it), then by the dynamic loader's
    /// own search for "libonnxruntime.so.1".
    /// </summary>
    /// <param name="libraryPath">Explicit library file; no fallback when given.</param>
    /// <param name="loggerFactory">Receives ORT's own log (category FaceAspire.Vision.Onnx.OnnxRuntime, warnings and
    /// up unless Information/Trace is enabled when the first environment is made). ORT has one environment per
    /// process, so its log goes to the first factory given in the process; later ones only get our own messages.</param>
    /// <exception cref="DllNotFoundException">No library was found; the message lists every path tried.</exception>
    /// <exception cref="InvalidOperationException">A different library file is already loaded in this process.</exception>
    /// <exception cref="NotSupportedException">The library does not serve the C API version we bind (13).</exception>
    /// <exception cref="OnnxRuntimeException">ORT failed to create its environment.</exception>
    public static OnnxRuntime Create(string? libraryPath = null, ILoggerFactory? loggerFactory = null)
    {
        ILogger? ortLogger = loggerFactory?.CreateLogger<OnnxRuntime>();
        ILogger logger = ortLogger ?? NullLogger<OnnxRuntime>.Instance;
        (string path, string version) = Native.Load(libraryPath);
        Native.EnvHandle env = Native.CreateEnv(ortLogger);
        Native.MemoryInfoHandle? memory = null;
        try
        {
            memory = Native.CreateCpuMemoryInfo();
            var runtime = new OnnxRuntime(path, version, env, memory, logger);
            logger.LogInformation("ONNX Runtime {Version} loaded from {Path}; providers: {Providers}",
                version, path, string.Join(", ", runtime.AvailableProviders));
            return runtime;
        }
        catch
        {
            memory?.Dispose();
            env.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loads an .onnx model file into a new session. Sessions are independent and may be used from many threads.
    /// </summary>
    /// <param name="modelPath">Path of the .onnx file (relative paths resolve against the current directory).</param>
    /// <param name="options">Threads, optimization level and provider; defaults to <c>new OnnxSessionOptions()</c>.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="OnnxRuntimeException">ORT rejected the model (corrupt, truncated, unsupported opset) or the
    /// options (e.g. CUDA requested on a CPU-only build); the message carries ORT's text.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A negative thread count.</exception>
    /// <exception cref="ObjectDisposedException">This runtime was disposed.</exception>
    public OnnxSession OpenSession(string modelPath, OnnxSessionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        ObjectDisposedException.ThrowIf(_disposed, this);
        options ??= new OnnxSessionOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.IntraOpThreads, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.InterOpThreads, nameof(options));
        string fullPath = Path.GetFullPath(modelPath);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"ONNX model file '{fullPath}' does not exist.", fullPath);
        }

        using Native.SessionOptionsHandle sessionOptions = Native.CreateSessionOptions(options);
        if (options.UseCuda)
        {
            Native.AppendCuda(sessionOptions, options.CudaDeviceId);
        }
        Native.SessionHandle session = Native.CreateSession(_env, _cpuMemory, fullPath, sessionOptions);
        try
        {
            var opened = new OnnxSession(fullPath, session, _cpuMemory);
            _logger.LogInformation("Opened {Model}: inputs {Inputs}; outputs {Outputs}",
                fullPath, string.Join("; ", opened.Inputs), string.Join("; ", opened.Outputs));
            return opened;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Drops this reference on the OrtEnv; open sessions keep it alive until they are disposed.</summary>
    public void Dispose()
    {
        _disposed = true;
        _cpuMemory.Dispose();
        _env.Dispose();
    }
}
