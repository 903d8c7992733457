using System.Diagnostics;
using System.Text;
using System.Text.Json;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace FaceAspire.AppHost.Tests;

/// <summary>The built AppHost run as a real process (plain output, isolated run directory and infra instance).</summary>
internal sealed class AppHostProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private AppHostProcess(Process process, string runDirectory, string instance)
    {
        _process = process;
        RunDirectory = runDirectory;
        Instance = instance;
    }

    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary>Debug or Release: the AppHost is run (and builds the services) in the configuration of the tests.</summary>
    public static string Configuration { get; } = AppContext.BaseDirectory.Contains("/Release/") ? "Release" : "Debug";

    public string RunDirectory { get; }
    public string Instance { get; }
    public int Pid => _process.Id;
    public string Output { get { lock (_output) return _output.ToString(); } }

    public static AppHostProcess Start(string instance)
    {
        var run = Directory.CreateTempSubdirectory("apphost-run-").FullName;
        var dll = Path.Combine(RepositoryRoot, "AppHost", "bin", Configuration, "net10.0", "FaceAspire.AppHost.dll");
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("ConnectionStrings__") || k.StartsWith("OTEL_")).ToList())
            info.Environment.Remove(key);
        info.Environment["FACEASPIRE_INFRA_INSTANCE"] = instance;
        info.Environment["AppHost__RunDirectory"] = run;
        info.Environment["AppHost__Dashboard"] = "plain";
        info.Environment["AppHost__Configuration"] = Configuration;
        info.Environment["AppHost__RepositoryRoot"] = RepositoryRoot;
        var process = new Process { StartInfo = info };
        var host = new AppHostProcess(process, run, instance);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (host._output) host._output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (host._output) host._output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    public async Task<JsonElement> WaitForEndpointsAsync(TimeSpan timeout)
    {
        var path = Path.Combine(RunDirectory, "endpoints.json");
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"AppHost exited with {_process.ExitCode}:\n{Output}{Summary()}");
            if (File.Exists(path))
                return JsonDocument.Parse(await File.ReadAllTextAsync(path)).RootElement.Clone();
            await Task.Delay(250);
        }
        throw new TimeoutException($"no endpoints.json after {timeout}:\n{Output}{Summary()}");
    }

    /// <summary>One line per resource from state.json, put last in failure messages: CI shows only their tail.</summary>
    private string Summary()
    {
        try
        {
            var rows = State().GetProperty("resources").EnumerateArray().Select(r =>
                $"  {r.GetProperty("name")}: {r.GetProperty("state")} restarts={r.GetProperty("restarts")} {r.GetProperty("message")}");
            return "\n--- resources (state.json) ---\n" + string.Join('\n', rows);
        }
        catch (Exception ex) when (ex is IOException or JsonException or InvalidOperationException or KeyNotFoundException)
        {
            return $"\n--- no state.json: {ex.Message}";
        }
    }

    public JsonElement State() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(RunDirectory, "state.json"))).RootElement.Clone();

    public JsonElement Row(string name) =>
        State().GetProperty("resources").EnumerateArray().Single(r => r.GetProperty("name").GetString() == name);

    public static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString()]);
        kill.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Command-line patterns that only this infra instance's processes have (as infra/down.sh checks).</summary>
    public string[] InfraProcessPatterns() => InfraProcessPatterns(Instance);

    /// <summary>Command-line patterns of <paramref name="instance"/>'s PostgreSQL, RabbitMQ node and epmd, in that order.</summary>
    public static string[] InfraProcessPatterns(string instance)
    {
        var v = InfraVariables(instance, "PGDATA", "RMQ_HOME_DIR", "EPMD_PORT");
        return [$"-D {v[0]}", $"-home {v[1]} ", $"epmd -daemon -port {v[2]} "];
    }

    /// <summary>Values of infra/lib.sh variables (e.g. AMQP_PORT) for <paramref name="instance"/>, in order.</summary>
    public static string[] InfraVariables(string instance, params string[] names)
    {
        var echo = string.Join(" && ", names.Select(n => $"echo \"${n}\""));
        var info = new ProcessStartInfo("bash", ["-c", $"source infra/lib.sh && {echo}"])
        { WorkingDirectory = RepositoryRoot, RedirectStandardOutput = true };
        info.Environment["FACEASPIRE_INFRA_INSTANCE"] = instance;
        using var p = Process.Start(info)!;
        var lines = p.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        p.WaitForExit();
        return lines;
    }

    public static string Pgrep(string pattern)
    {
        using var p = Process.Start(new ProcessStartInfo("pgrep", ["-af", "--", pattern]) { RedirectStandardOutput = true })!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return output.Trim();
    }

    /// <summary>Whatever a failed test left: stop the AppHost, then the instance's infrastructure. down.sh runs even
    /// when the AppHost has exited: one that failed during start-up may have left a server behind, and the next test
    /// on this instance would otherwise find it ("was already running") and use it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Signal(_process.Id, "TERM");
            try { await WaitForExitAsync(TimeSpan.FromSeconds(90)); }
            catch (OperationCanceledException) { _process.Kill(entireProcessTree: true); }
        }
        var down = new ProcessStartInfo("bash", [Path.Combine(RepositoryRoot, "infra", "down.sh"), Instance]);
        using var p = Process.Start(down)!;
        await p.WaitForExitAsync();
        _process.Dispose();
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FaceAspire.sln")))
                return dir.FullName;
        throw new InvalidOperationException("FaceAspire.sln not found");
    }
}
