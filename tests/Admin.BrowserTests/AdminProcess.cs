using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace FaceAspire.Admin.BrowserTests;

/// <summary>
/// The real admin, run as its own process (<c>dotnet FaceAspire.Admin.dll</c> from Admin/bin, built by the project
/// reference) on a free 127.0.0.1 port, configured only through environment variables like the orchestrator does.
/// Its console goes to <c>artifacts/admin-test.log</c>.
/// </summary>
public sealed class AdminProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private AdminProcess(Process process, StreamWriter log, string baseUrl)
    {
        _process = process;
        _log = log;
        BaseUrl = baseUrl;
    }

    /// <summary>e.g. <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public string BaseUrl { get; }

    /// <summary>Starts the admin with <paramref name="environment"/> and waits until <c>/alive</c> answers (≤ 60 s).</summary>
    /// <exception cref="InvalidOperationException">It exited or did not answer in time (the log tail is in the message).</exception>
    public static async Task<AdminProcess> StartAsync(IReadOnlyDictionary<string, string> environment, string logPath)
    {
        var output = typeof(AdminProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "AdminOutput").Value!;
        var dll = Path.GetFullPath(Path.Combine(output, "FaceAspire.Admin.dll"));
        var projectDir = Path.GetFullPath(Path.Combine(output, "../../.."));
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = projectDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("--contentRoot");
        psi.ArgumentList.Add(projectDir);
        psi.Environment["ASPNETCORE_URLS"] = baseUrl;
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in environment)
            psi.Environment[key] = value;
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.WriteLine("ERR " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var admin = new AdminProcess(process, log, baseUrl);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
                break;
            try
            {
                if ((await http.GetAsync($"{baseUrl}/alive")).StatusCode == HttpStatusCode.OK)
                    return admin;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(250);
        }
        await admin.DisposeAsync();
        var tail = File.ReadLines(logPath).TakeLast(30);
        throw new InvalidOperationException($"The admin did not come up at {baseUrl}:\n{string.Join('\n', tail)}");
    }

    /// <summary>Stops the process (kill; it holds no state of its own).</summary>
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
