using System.Collections.Concurrent;
using System.Diagnostics;

namespace FaceAspire.AppHost.Tests;

/// <summary>
/// A built FaceAspire service (<c>{Project}/bin/{Configuration}/net10.0/FaceAspire.{Project}.dll</c>) run as a real
/// child process, configured only through environment variables as the AppHost would. Output is kept for failure
/// messages. <see cref="StopAsync"/> sends SIGTERM so the host shuts down and flushes its telemetry.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private ServiceProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }
    public int Pid => _process.Id;

    public static ServiceProcess Start(string project, string name, IReadOnlyDictionary<string, string> environment)
    {
        var dll = Path.Combine(AppHostProcess.RepositoryRoot, project, "bin", AppHostProcess.Configuration, "net10.0", $"FaceAspire.{project}.dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException($"Build {project} first: {dll} is missing.");
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = AppHostProcess.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Nothing from the test runner's environment may redirect the service (another collector, another database).
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("ConnectionStrings__") || k.StartsWith("OTEL_")).ToList())
            info.Environment.Remove(key);
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        info.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        foreach (var (key, value) in environment)
            info.Environment[key] = value;
        var process = new Process { StartInfo = info };
        var service = new ServiceProcess(process, name);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) service._lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) service._lines.Enqueue("ERR " + e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>Waits until a printed line contains <paramref name="text"/>.</summary>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/>, or the process exited first.</exception>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (!_lines.Any(l => l.Contains(text, StringComparison.Ordinal)))
        {
            if (_process.HasExited)
                throw new TimeoutException($"{Name} exited with {_process.ExitCode} before printing '{text}':\n{Tail()}");
            if (watch.Elapsed > timeout)
                throw new TimeoutException($"{Name} did not print '{text}' within {timeout.TotalSeconds} s:\n{Tail()}");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGTERM (graceful: hosted services stop, telemetry is flushed), then waits for the exit.</summary>
    /// <returns>The exit code.</returns>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
            AppHostProcess.Signal(_process.Id, "TERM");
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public string Tail(int lines = 40) => $"--- {Name} (pid {_process.Id}) ---\n" + string.Join('\n', _lines.TakeLast(lines));

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
