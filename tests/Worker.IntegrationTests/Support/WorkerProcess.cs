using System.Collections.Concurrent;
using System.Diagnostics;
using FaceAspire.Testing;

namespace FaceAspire.Worker.IntegrationTests.Support;

/// <summary>
/// One FaceAspire.Worker (or Api) as a real child process (<c>dotnet Worker/bin/&lt;config&gt;/net10.0/FaceAspire.Worker.dll</c>),
/// configured only through environment variables, as the AppHost would. Output is kept for assertions and
/// failure messages. <see cref="Kill"/> sends SIGKILL (no shutdown code runs: unacked messages are redelivered).
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private WorkerProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    /// <summary>Label used in logs.</summary>
    public string Name { get; }

    /// <summary>Process id.</summary>
    public int Id => _process.Id;

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process printed so far (stdout and stderr interleaved).</summary>
    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>The built worker assembly, same configuration as the test assembly.</summary>
    public static string WorkerDll
    {
        get
        {
            // tests/Worker.IntegrationTests/bin/<Configuration>/net10.0/ → <Configuration>
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
            var dll = Path.Combine(RepositoryRoot.Find(), "Worker", "bin", configuration, "net10.0", "FaceAspire.Worker.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the Worker first: {dll} is missing.");
        }
    }

    /// <summary>Starts a worker and waits until its bus has started (its consumers are bound to their queues).</summary>
    /// <param name="name">Label for messages.</param>
    /// <param name="environment">Configuration as env vars, e.g. <c>ConnectionStrings__facedb</c>.</param>
    /// <param name="timeout">How long to wait for "Bus started".</param>
    /// <exception cref="TimeoutException">The bus did not start in time (output attached).</exception>
    public static Task<WorkerProcess> StartAsync(string name, IReadOnlyDictionary<string, string> environment, TimeSpan? timeout = null) =>
        StartDllAsync(name, WorkerDll, "Bus started", environment, timeout);

    /// <summary>The built Api assembly (FaceAspire.Api.dll), same configuration as the test assembly.</summary>
    public static string ApiDll => Path.Combine(Path.GetDirectoryName(WorkerDll)!, "..", "..", "..", "..", "Api", "bin",
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name, "net10.0", "FaceAspire.Api.dll");

    /// <summary>Starts any of our service assemblies and waits until it prints <paramref name="readyText"/>.</summary>
    public static async Task<WorkerProcess> StartDllAsync(string name, string dll, string readyText,
        IReadOnlyDictionary<string, string> environment, TimeSpan? timeout = null)
    {
        if (!File.Exists(dll))
            throw new FileNotFoundException($"Build it first: {dll} is missing.");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        psi.ArgumentList.Add(dll);
        psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
        psi.Environment["Logging__Console__FormatterName"] = "simple";
        psi.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        psi.Environment["Logging__LogLevel__Default"] = "Information";
        foreach (var (key, value) in environment)
            psi.Environment[key] = value;
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var worker = new WorkerProcess(process, name);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) worker._lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) worker._lines.Enqueue("ERR " + e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await worker.WaitForOutputAsync(readyText, timeout ?? TimeSpan.FromSeconds(90));
        return worker;
    }

    /// <summary>Waits until a printed line contains <paramref name="text"/>.</summary>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/>, or the process exited first.</exception>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (!_lines.Any(l => l.Contains(text, StringComparison.Ordinal)))
        {
            if (_process.HasExited)
                throw new TimeoutException($"{Name} exited with {_process.ExitCode} before printing '{text}':\n{Tail()}");
            if (sw.Elapsed > timeout)
                throw new TimeoutException($"{Name} did not print '{text}' within {timeout.TotalSeconds} s:\n{Tail()}");
            await Task.Delay(100);
        }
    }

    /// <summary>Number of printed lines containing <paramref name="text"/>.</summary>
    public int Count(string text) => _lines.Count(l => l.Contains(text, StringComparison.Ordinal));

    /// <summary>SIGKILL, then wait for the exit.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <summary>The last <paramref name="lines"/> lines of output.</summary>
    public string Tail(int lines = 40) => $"--- {Name} (pid {_process.Id}) ---\n" + string.Join('\n', _lines.TakeLast(lines));

    /// <summary>Kills the process if it still runs.</summary>
    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
