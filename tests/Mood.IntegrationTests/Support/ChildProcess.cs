using System.Collections.Concurrent;
using System.Diagnostics;
using FaceAspire.Testing;

namespace FaceAspire.Mood.IntegrationTests.Support;

/// <summary>A built FaceAspire executable (Api or Cli) run as a child process with its output captured.</summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private ChildProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    /// <summary>Label.</summary>
    public string Name { get; }

    /// <summary>Everything printed so far.</summary>
    public IReadOnlyCollection<string> Lines => _lines;

    /// <summary>The process's exit code (after exit).</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary><c>&lt;repo&gt;/&lt;project&gt;/bin/&lt;configuration of this test assembly&gt;/net10.0/FaceAspire.&lt;project&gt;.dll</c>.</summary>
    public static string Dll(string project)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
        var dll = Path.Combine(RepositoryRoot.Find(), project, "bin", configuration, "net10.0", $"FaceAspire.{project}.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build {project} first: {dll} is missing.");
    }

    /// <summary>Starts <c>dotnet DLL args…</c> with <paramref name="environment"/>.</summary>
    public static ChildProcess Start(string name, string project, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(Dll(project))!,
        };
        psi.ArgumentList.Add(Dll(project));
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_ENVIRONMENT"] = "Production";
        psi.Environment["NO_COLOR"] = "1";
        foreach (var (k, v) in environment)
            psi.Environment[k] = v;
        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var child = new ChildProcess(process, name);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) child._lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) child._lines.Enqueue("ERR " + e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for a line containing <paramref name="text"/>.</summary>
    /// <exception cref="TimeoutException">Not in time, or the process exited first.</exception>
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

    /// <summary>Waits for the exit; returns the exit code.</summary>
    /// <exception cref="TimeoutException">Still running after <paramref name="timeout"/> (it is killed).</exception>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw new TimeoutException($"{Name} still ran after {timeout.TotalSeconds} s:\n{Tail()}");
        }
        _process.WaitForExit(); // drains the output events
        return _process.ExitCode;
    }

    /// <summary>SIGKILL (no shutdown code runs).</summary>
    public void Kill()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <summary>The last lines of output.</summary>
    public string Tail(int lines = 40) => $"--- {Name} ---\n" + string.Join('\n', _lines.TakeLast(lines));

    /// <summary>Kills it if still running.</summary>
    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
