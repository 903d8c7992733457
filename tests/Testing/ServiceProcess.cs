using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FaceAspire.Testing;

/// <summary>
/// One of our built services or tools (Api, Worker, Admin, Cli) run as a real child process, configured only through
/// arguments and environment variables as the AppHost would. Its stdout and stderr lines (stderr prefixed
/// <c>ERR </c>) are kept for assertions and failure messages and optionally copied to a log file.
/// <see cref="Kill"/> is SIGKILL (no shutdown code runs), <see cref="StopAsync"/> SIGTERM (a graceful stop that
/// flushes telemetry); disposing kills whatever still runs.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(10);
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly Lock _logLock = new();
    private StreamWriter? _log;
    private bool _disposed;

    private ServiceProcess(string name, Process process, StreamWriter? log, string? baseUrl)
    {
        Name = name;
        _process = process;
        _log = log;
        BaseUrl = baseUrl;
    }

    /// <summary>Label in failure messages (<see cref="ServiceProcessOptions.Name"/>).</summary>
    public string Name { get; }

    /// <summary>The process id (of <c>dotnet</c>, which runs the service in-process; <c>taskset</c>, when
    /// <see cref="ServiceProcessOptions.Cpus"/> is set, and <c>setsid</c> with <see cref="ServiceProcessOptions.OwnSession"/>,
    /// become it by exec).</summary>
    public int Pid => _process.Id;

    /// <summary>True once the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code.</summary>
    /// <exception cref="InvalidOperationException">The process has not exited yet.</exception>
    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// <c>http://127.0.0.1:&lt;port&gt;</c> (no trailing slash) with <see cref="ServiceProcessOptions.ListenOnFreePort"/>;
    /// null otherwise.
    /// </summary>
    public string? BaseUrl { get; }

    /// <summary>Everything printed so far, stdout and stderr interleaved in arrival order (a live, thread-safe view).</summary>
    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>Starts the process and returns at once (see <see cref="StartAsync"/> to wait until it is ready).</summary>
    /// <exception cref="FileNotFoundException">The service is not built (<see cref="BuiltService.Dll"/>).</exception>
    public static ServiceProcess Start(ServiceProcessOptions options)
    {
        var dll = BuiltService.Dll(options.Project);
        // setsid and taskset each set up the process and exec the next program, so the pid stays the service's.
        string[] launcher = [.. options.OwnSession ? ["setsid"] : Array.Empty<string>(),
            .. options.Cpus is null ? Array.Empty<string>() : ["taskset", "-c", options.Cpus], "dotnet"];
        var psi = new ProcessStartInfo(launcher[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = options.WorkingDirectory ?? Path.GetDirectoryName(dll)!,
        };
        foreach (var argument in launcher.Skip(1))
            psi.ArgumentList.Add(argument);
        psi.ArgumentList.Add(dll);
        foreach (var argument in options.Arguments)
            psi.ArgumentList.Add(argument);
        var inherited = psi.Environment.Keys.Where(k => options.RemoveInheritedPrefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal)));
        foreach (var key in inherited.ToList())
            psi.Environment.Remove(key);
        var baseUrl = options.ListenOnFreePort ? $"http://127.0.0.1:{FreeLoopbackPort()}" : null;
        if (baseUrl is not null)
            psi.Environment["ASPNETCORE_URLS"] = baseUrl;
        // Every service refuses to start without a key-encryption key; the run's own, unless the caller sets one.
        psi.Environment[TestEncryption.EnvironmentVariable] = TestEncryption.Key;
        foreach (var (key, value) in options.Environment)
            psi.Environment[key] = value;

        // Every service's whole output is kept (artifacts/service-logs/ unless the caller names a file): a failing
        // test's message holds only the tail, and CI keeps the artifacts.
        var logFile = options.LogFile ?? Path.Combine(RepositoryRoot.Find(), "artifacts", "service-logs",
            $"{DateTime.UtcNow:yyyyMMdd-HHmmss-fff}-{options.Name ?? options.Project}.log");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logFile))!);
        var log = new StreamWriter(logFile, append: false) { AutoFlush = true };
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var service = new ServiceProcess(options.Name ?? options.Project, process, log, baseUrl);
        process.OutputDataReceived += (_, e) => service.Record(e.Data, "");
        process.ErrorDataReceived += (_, e) => service.Record(e.Data, "ERR ");
        try
        {
            process.Start();
        }
        catch
        {
            log?.Dispose();
            process.Dispose();
            throw;
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>
    /// Starts the process and awaits <paramref name="waitUntilReady"/> on it, e.g.
    /// <c>p =&gt; p.WaitForOutputAsync("Bus started", TimeSpan.FromSeconds(90))</c>. If that throws, the process is
    /// killed (it would otherwise outlive the test run) and the exception propagates.
    /// </summary>
    /// <exception cref="FileNotFoundException">The service is not built.</exception>
    /// <exception cref="TimeoutException">Not ready in time, or exited first (from the wait methods; output tail attached).</exception>
    public static async Task<ServiceProcess> StartAsync(ServiceProcessOptions options, Func<ServiceProcess, Task> waitUntilReady)
    {
        var service = Start(options);
        try
        {
            await waitUntilReady(service);
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it; a race with other binders is possible but rare).</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until a printed line contains <paramref name="text"/> (ordinal), checking every 100 ms.</summary>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/>, or the process exited first.</exception>
    public Task WaitForOutputAsync(string text, TimeSpan timeout) =>
        WaitUntilAsync(() => Task.FromResult(Count(text) > 0), timeout, $"a line containing '{text}'", TimeSpan.FromMilliseconds(100));

    /// <summary>Waits until <c>GET <paramref name="url"/></c> answers 200 (e.g. a service's <c>/alive</c>), each try at most 2 s.</summary>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/>, or the process exited first.</exception>
    public async Task WaitForHttpOkAsync(string url, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        await WaitUntilAsync(async () =>
        {
            using var response = await http.GetAsync(url);
            return response.StatusCode == HttpStatusCode.OK;
        }, timeout, $"200 from GET {url}");
    }

    /// <summary>
    /// Waits until <paramref name="ready"/> returns true. An <see cref="HttpRequestException"/> or a cancellation (an
    /// HTTP timeout) from it counts as "not yet": a service that is still starting refuses connections.
    /// </summary>
    /// <param name="ready">The readiness check, called again after each <paramref name="pollInterval"/>.</param>
    /// <param name="timeout">How long to wait in all.</param>
    /// <param name="what">What is awaited, for the exception message.</param>
    /// <param name="pollInterval">Pause between checks; 250 ms when null.</param>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/>, or the process exited first (output tail attached).</exception>
    public async Task WaitUntilAsync(Func<Task<bool>> ready, TimeSpan timeout, string what = "readiness", TimeSpan? pollInterval = null)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await ready())
                    return;
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
            {
            }
            if (_process.HasExited)
                throw new TimeoutException($"{Name} exited with {_process.ExitCode} while waiting for {what}:\n{Tail()}");
            if (watch.Elapsed > timeout)
                throw new TimeoutException($"{Name}: still waiting for {what} after {timeout.TotalSeconds} s:\n{Tail()}");
            await Task.Delay(pollInterval ?? TimeSpan.FromMilliseconds(250));
        }
    }

    /// <summary>Waits for the process to exit on its own; returns the exit code (all output is in <see cref="Lines"/> by then).</summary>
    /// <exception cref="TimeoutException">Still running after <paramref name="timeout"/>; it is killed first.</exception>
    public Task<int> WaitForExitAsync(TimeSpan timeout) => WaitForExitAsync(timeout, "still ran");

    /// <summary>
    /// Graceful stop: SIGTERM (the host stops its hosted services and flushes telemetry), then waits for the exit.
    /// </summary>
    /// <returns>The exit code (0 for a clean shutdown).</returns>
    /// <exception cref="TimeoutException">Still running <paramref name="timeout"/> after the signal; it is killed first.</exception>
    public Task<int> StopAsync(TimeSpan timeout)
    {
        Signal("-TERM");
        return WaitForExitAsync(timeout, "still ran after SIGTERM");
    }

    /// <summary>SIGKILL to the process and its children (no shutdown code runs), then waits up to 10 s for the exit.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        // WaitForExit(timeout) returns before the asynchronous output readers reach end of stream; the overload
        // without a timeout waits for them, so Lines and Count hold everything the process printed before it died.
        if (_process.WaitForExit(KillWait))
            _process.WaitForExit();
    }

    /// <summary>
    /// SIGSTOP: the process is frozen where it is (no thread runs, its sockets stay open, a broker keeps its
    /// unacknowledged messages) until <see cref="Resume"/>. For tests that need work still pending when something else
    /// happens, whatever the machine's speed.
    /// </summary>
    public void Suspend() => Signal("-STOP");

    /// <summary>SIGCONT: a process frozen by <see cref="Suspend"/> runs on; on a running process it does nothing.</summary>
    public void Resume() => Signal("-CONT");

    /// <summary>Number of printed lines containing <paramref name="text"/> (ordinal).</summary>
    public int Count(string text) => _lines.Count(l => l.Contains(text, StringComparison.Ordinal));

    /// <summary>A header with <see cref="Name"/> and pid, then the last <paramref name="lines"/> lines of output: for failure messages.</summary>
    public string Tail(int lines = 40) => $"--- {Name} (pid {_process.Id}) ---\n" + string.Join('\n', _lines.TakeLast(lines));

    /// <summary>Kills the process if it still runs (<see cref="Kill"/>) and closes the log file. A second call does nothing.</summary>
    public ValueTask DisposeAsync()
    {
        // Fixtures dispose the processes they track, and a test may also have disposed one of them itself.
        if (_disposed)
            return ValueTask.CompletedTask;
        _disposed = true;
        Kill();
        _process.Dispose();
        lock (_logLock)
        {
            _log?.Dispose();
            _log = null;
        }
        return ValueTask.CompletedTask;
    }

    private void Signal(string signal)
    {
        if (_process.HasExited)
            return;
        // .NET sends no signal but SIGKILL, so the kill command does.
        using var kill = Process.Start("kill", [signal, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private async Task<int> WaitForExitAsync(TimeSpan timeout, string failure)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"{Name} {failure} after {timeout.TotalSeconds} s:\n{Tail()}");
        }
        // Drains the output events: Lines is complete once this returns.
        _process.WaitForExit();
        return _process.ExitCode;
    }

    private void Record(string? line, string prefix)
    {
        if (line is null)
            return; // end of stream
        _lines.Enqueue(prefix + line);
        // The output events keep firing on thread-pool threads while DisposeAsync closes the file.
        lock (_logLock)
            _log?.WriteLine(prefix + line);
    }
}
