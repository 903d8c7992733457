using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace FaceAspire.Admin.BrowserTests;

/// <summary>
/// One of our services (Admin, Api, Worker) run as its own process — <c>dotnet &lt;Project&gt;/bin/&lt;config&gt;/net10.0/
/// FaceAspire.&lt;Project&gt;.dll</c>, built by the test project's references — configured only through environment
/// variables, as the orchestrator does. Its console goes to <c>artifacts/&lt;name&gt;-test.log</c>.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ServiceProcess(string name, Process process, StreamWriter log, string? baseUrl)
    {
        Name = name;
        _process = process;
        _log = log;
        BaseUrl = baseUrl;
    }

    /// <summary>Project name, e.g. <c>Admin</c>.</summary>
    public string Name { get; }

    /// <summary>e.g. <c>http://127.0.0.1:41234</c> (no trailing slash) for web services; null for the worker.</summary>
    public string? BaseUrl { get; }

    /// <summary>
    /// Starts <c>FaceAspire.&lt;project&gt;.dll</c>. Web services get a free 127.0.0.1 port and are ready when
    /// <c>/alive</c> answers 200; others when <paramref name="ready"/> returns true. Waits at most 90 s.
    /// </summary>
    /// <exception cref="InvalidOperationException">It exited or was not ready in time (the log tail is in the message).</exception>
    public static async Task<ServiceProcess> StartAsync(string project, bool web, IReadOnlyDictionary<string, string> environment,
        string logDir, Func<Task<bool>>? ready = null)
    {
        var output = typeof(ServiceProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "ServicesOutput").Value!.Replace("{project}", project);
        var dll = Path.GetFullPath(Path.Combine(output, $"FaceAspire.{project}.dll"));
        if (!File.Exists(dll))
            throw new FileNotFoundException($"{dll} is missing: build the test project (it builds the services).");
        var projectDir = Path.GetFullPath(Path.Combine(output, "../../.."));
        var baseUrl = web ? $"http://127.0.0.1:{FreePort()}" : null;
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = projectDir, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        if (web)
        {
            // The project folder as content root: the admin serves wwwroot from there.
            psi.ArgumentList.Add("--contentRoot");
            psi.ArgumentList.Add(projectDir);
            psi.Environment["ASPNETCORE_URLS"] = baseUrl;
            psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        }
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment)
            psi.Environment[key] = value;
        Directory.CreateDirectory(logDir);
        var logPath = Path.Combine(logDir, $"{project.ToLowerInvariant()}-test.log");
        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data is null ? null : "ERR " + e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var service = new ServiceProcess(project, process, log, baseUrl);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        ready ??= async () => (await http.GetAsync($"{baseUrl}/alive")).StatusCode == HttpStatusCode.OK;
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                if (await ready())
                    return service;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(250);
        }
        await service.DisposeAsync();
        throw new InvalidOperationException($"{project} did not come up:\n{string.Join('\n', File.ReadLines(logPath).TakeLast(30))}");
    }

    /// <summary>Kills the process (our services keep no state of their own) and closes the log.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        lock (_log)
            _log.Dispose();
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
            return;
        lock (log)
        {
            if (log.BaseStream is not null)
                log.WriteLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
