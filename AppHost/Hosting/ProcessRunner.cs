using System.Diagnostics;

namespace FaceAspire.AppHost.Hosting;

/// <summary>
/// One child process: started with an explicit environment, its stdout/stderr lines appended to
/// <c>.run/logs/{name}.log</c> and handed to the reporter with a <c>[name]</c> prefix; stopped with SIGTERM,
/// then SIGKILL after a grace period.
/// </summary>
internal sealed class ProcessRunner : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ProcessRunner(Process process, StreamWriter log)
    {
        _process = process;
        _log = log;
    }

    public int Pid => _process.Id;

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="arguments"/>. The environment starts from
    /// the AppHost's own, minus settings the AppHost decides per child, plus <paramref name="environment"/>.</summary>
    public static ProcessRunner Start(string name, string fileName, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string> environment, OrchestratorContext context)
    {
        var info = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // children must not read the AppHost's terminal
            UseShellExecute = false,
        };
        foreach (var key in info.Environment.Keys.Where(IsPerChildSetting).ToList())
            info.Environment.Remove(key);
        foreach (var (key, value) in environment)
            info.Environment[key] = value;

        Directory.CreateDirectory(context.LogDirectory);
        var log = new StreamWriter(new FileStream(context.LogPath(name), FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        { AutoFlush = true };
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var runner = new ProcessRunner(process, log);
        process.OutputDataReceived += (_, e) => runner.OnLine(name, e.Data, context);
        process.ErrorDataReceived += (_, e) => runner.OnLine(name, e.Data, context);
        lock (log) log.WriteLine($"--- {DateTimeOffset.Now:O} {fileName} {string.Join(' ', info.ArgumentList)}");
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return runner;
    }

    /// <summary>Keys the AppHost sets itself; inherited values would leak one child's wiring into another.</summary>
    private static bool IsPerChildSetting(string key) =>
        key.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("services__", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("OTEL_", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("AppHost__", StringComparison.OrdinalIgnoreCase)
        || key is "ASPNETCORE_URLS" or "ASPNETCORE_HTTP_PORTS" or "HEALTH_PORT" or "Api__BootstrapApiKey";

    private void OnLine(string name, string? line, OrchestratorContext context)
    {
        if (line is null) return;
        lock (_log) _log.WriteLine(line);
        context.Table.Log(name, line);
    }

    /// <summary>Completes with the exit code once the process has exited and its output is drained.</summary>
    public async Task<int> WaitForExitAsync()
    {
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>SIGTERM, then SIGKILL when still running after <paramref name="grace"/>.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        if (_process.HasExited) return;
        Interop.Libc.Kill(_process.Id, Interop.Libc.SIGTERM);
        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public void Dispose()
    {
        _process.Dispose();
        lock (_log) _log.Dispose();
    }
}
