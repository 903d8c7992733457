using Xunit.Abstractions;
using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace FaceAspire.AppHost.Tests;

/// <summary>
/// The README's run command itself, as a user starts it: <c>bash infra/run.sh</c> brings the system up on the
/// launch profile's ports and writes the endpoints file, and a SIGINT sent to that one process (not to its process
/// group, as a terminal's Ctrl+C does) stops everything it started, containers included. Started the way a script
/// starts a background job, which is the hard case: such a shell starts it with SIGINT ignored.
/// </summary>
public sealed class RunCommandTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SigintToTheRunCommandAloneStopsEverythingItStarted()
    {
        var repo = RepositoryRoot.Find();
        var endpoints = Path.Combine(Path.GetTempPath(), $"faceaspire-run-{Guid.NewGuid():N}.json");
        var psi = new ProcessStartInfo("bash", ["-c", $"trap '' INT; exec bash infra/run.sh --AppHost:DataVolumes=false --AppHost:EndpointsFile={endpoints}"])
        {
            WorkingDirectory = repo,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var run = Process.Start(psi)!;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        run.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        run.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue("ERR " + e.Data); };
        run.BeginOutputReadLine();
        run.BeginErrorReadLine();
        try
        {
            var watch = Stopwatch.StartNew();
            while (!File.Exists(endpoints))
            {
                Assert.False(run.HasExited, $"run.sh exited with {(run.HasExited ? run.ExitCode : 0)}:\n{string.Join('\n', log.TakeLast(40))}");
                Assert.True(watch.Elapsed < TimeSpan.FromMinutes(8), "not healthy within 8 minutes:\n" + string.Join('\n', log.TakeLast(40)));
                await Task.Delay(1000);
            }
            output.WriteLine($"run.sh healthy after {watch.Elapsed.TotalSeconds:F0} s");
            var urls = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(endpoints))!;
            Assert.Equal(("http://localhost:5180", "http://localhost:5190"), (urls["api"], urls["admin"]));
            using (var http = new HttpClient())
                Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(urls["api"] + "/health")).StatusCode);

            // What it started: the orchestrator (which watches the AppHost's pid), everything below it, and the containers.
            var orchestrators = DcpProcessesOf(run.Id);
            var processes = orchestrators.SelectMany(pid => ProcessTree.Descendants(pid).Select(p => p.Pid).Append(pid)).ToList();
            var containers = await ContainersAsync();
            Assert.True(processes.Count >= 8, $"{processes.Count} processes under the orchestrator");
            Assert.True(containers.Count >= 2, $"containers: {string.Join(", ", containers)}");

            Assert.Equal(0, (await RunAsync("kill", "-INT", run.Id.ToString())).ExitCode);
            await run.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
            watch.Restart();
            while (processes.Any(pid => Directory.Exists($"/proc/{pid}")) && watch.Elapsed < TimeSpan.FromSeconds(30))
                await Task.Delay(500);
            var left = processes.Select(ProcessTree.CommandLine).Where(c => c.Length > 0).ToList();
            Assert.True(left.Count == 0, "still running:\n" + string.Join('\n', left));
            Assert.Empty((await ContainersAsync()).Intersect(containers));
            Assert.False(File.Exists(endpoints), "the endpoints file outlived the AppHost");
        }
        finally
        {
            if (!run.HasExited)
            {
                await RunAsync("kill", "-TERM", run.Id.ToString());
                await run.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            }
        }
    }

    /// <summary>DCP's API server processes that watch <paramref name="appHost"/> (<c>--monitor PID</c>).</summary>
    private static List<int> DcpProcessesOf(int appHost) =>
        [.. Directory.EnumerateDirectories("/proc").Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && ProcessTree.CommandLine(pid) is var c && c.Contains("/dcp start-apiserver", StringComparison.Ordinal)
                          && c.Contains($"--monitor {appHost} ", StringComparison.Ordinal))];

    /// <summary>Ids of the running containers the orchestrator made (DCP labels its containers).</summary>
    private static async Task<HashSet<string>> ContainersAsync()
    {
        var engine = Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME") ?? "docker";
        var (_, stdout) = await RunAsync(engine, "ps", "-aq", "--no-trunc", "--filter", "label=com.microsoft.developer.usvc-dev.name");
        return [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    private static async Task<(int ExitCode, string Stdout)> RunAsync(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true })!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, stdout);
    }
}
