using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Xunit.Abstractions;

namespace FaceAspire.AppHost.Tests;

/// <summary>
/// The README's run command as a user meets it: the real AppHost with its containers, every service healthy, photos
/// posted and recognised, a worker replica killed mid-run, and a stop that leaves nothing behind. The steps share one
/// running system and run in order.
/// </summary>
[TestCaseOrderer(StepOrderer.Name, StepOrderer.Assembly)]
public sealed class SystemTests(SystemFixture system, ITestOutputHelper output) : IClassFixture<SystemFixture>
{
    [Fact, Step(1)]
    public async Task EveryResourceIsHealthyAndTheEndpointsFileNamesThem()
    {
        output.WriteLine($"every service healthy {system.TimeToHealthy.TotalSeconds:F1} s after the start call");
        Assert.All(new[] { "api", "apiReference", "admin", "dashboard", "apiKey" }, key => Assert.False(string.IsNullOrEmpty(system.Endpoints.GetValueOrDefault(key)), key));
        Assert.StartsWith("fa_", system.Endpoints["apiKey"]);
        Assert.Contains("/login?t=", system.Endpoints["dashboard"]);

        var snapshots = (await system.SnapshotsAsync()).Values.ToList();
        foreach (var e in snapshots)
            output.WriteLine($"{e.ResourceId}: {e.Snapshot.State?.Text} {e.Snapshot.HealthStatus} exit={e.Snapshot.ExitCode}");
        foreach (var name in new[] { "postgres", "facedb", "messaging", "api", "admin" })
            Assert.Contains(snapshots, e => e.Resource.Name == name && e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy);
        Assert.Equal(2, snapshots.Count(e => e.Resource.Name == "worker" && e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy));
        var migrations = Assert.Single(snapshots, e => e.Resource.Name == "migrations");
        Assert.Equal((KnownResourceStates.Finished, 0), (migrations.Snapshot.State?.Text, migrations.Snapshot.ExitCode));

        using var anonymous = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(system.Endpoints["admin"] + "/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(system.Endpoints["apiReference"])).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(system.Endpoints["api"] + "/api/persons")).StatusCode);
    }

    [Fact, Step(2)]
    public async Task TheTrainPhotosAreDoneAndBecomeFivePersons()
    {
        var train = SharedData.PathOf("identities/face_recognition/knn_examples/train");
        var photos = Directory.GetFiles(train, "*", SearchOption.AllDirectories).Order().ToList();
        var frames = new Dictionary<Guid, string>();
        foreach (var photo in photos)
            frames[await system.PostAsync(photo)] = Path.GetFileName(Path.GetDirectoryName(photo))!;

        var settled = await system.WaitSettledAsync(frames.Keys, TimeSpan.FromMinutes(3));
        Assert.All(settled.Values, f => Assert.Equal("done", f.GetProperty("status").GetString()));
        // Every photo holds one of the five people; photos of one person share its person id, no two people share one.
        var personByFolder = frames.GroupBy(f => f.Value).ToDictionary(g => g.Key,
            g => g.SelectMany(f => settled[f.Key].GetProperty("faces").EnumerateArray()).Select(face => face.GetProperty("personId").GetGuid()).Distinct().ToList());
        foreach (var (folder, persons) in personByFolder)
            output.WriteLine($"{folder}: {string.Join(", ", persons)}");
        Assert.All(personByFolder.Values, persons => Assert.Single(persons));
        Assert.Equal(5, personByFolder.Values.Select(p => p[0]).Distinct().Count());
    }

    [Fact, Step(3)]
    public async Task TheDashboardShowsAPostedFrameAsOneTrace()
    {
        var frame = await system.PostAsync(SharedData.PathOf("identities/face_recognition/knn_examples/test/obama_and_biden.jpg"));
        Assert.Equal("done", (await system.WaitSettledAsync([frame], TimeSpan.FromMinutes(2)))[frame].GetProperty("status").GetString());

        await using var dashboard = await DashboardPage.OpenAsync(system.Endpoints["dashboard"]);
        // The newest ingest request is this one: the steps run in order and nothing else posts meanwhile.
        var traceId = await dashboard.NewestTraceIdAsync("api: POST /api/frames", TimeSpan.FromSeconds(60));
        var trace = await dashboard.TraceDetailAsync(traceId, "agegender", TimeSpan.FromSeconds(60));
        var screenshot = await dashboard.ScreenshotAsync("dashboard-trace.png");
        output.WriteLine($"trace {traceId}, screenshot {screenshot}:\n{trace}");

        // One trace holds the request, the commit, the outbox send, the worker's stages, the match and the writes.
        string[] spans = ["POST /api/frames", "ingest", "ingest commit", "send analyze-frame", "analyze-frame receive", "analyze",
            "decode", "detect", "align", "embed", "emotion", "agegender", "match", "postgresql", "publish FrameAnalyzed"];
        Assert.All(spans, span => Assert.Contains(span, trace));
        Assert.Contains("api", trace);
        Assert.Matches(@"worker-\w+", trace);
        var analyzeDetails = await dashboard.SpanDetailsAsync("analyze", "frame.id");
        Assert.Contains(frame.ToString(), analyzeDetails);
    }

    [Fact, Step(4)]
    public async Task AKilledWorkerReplicaLosesNoFrameAndIsStartedAgain()
    {
        var workers = await WorkerProcessesAsync();
        Assert.Equal(2, workers.Count);
        var photos = Directory.GetFiles(SharedData.PathOf("identities/lfw12"), "*.jpg", SearchOption.AllDirectories).Order().Take(60).ToList();
        var frames = new List<Guid>();
        foreach (var photo in photos)
            frames.Add(await system.PostAsync(photo));

        // SIGKILL one replica while the queue still holds most of the frames: no shutdown code runs, its unacked
        // deliveries go back to the queue, and the other replica (then the restarted one) takes them.
        var (victim, instance) = workers[0];
        await WaitUntilAsync(async () => (await DoneCountAsync(frames)) >= 3, TimeSpan.FromMinutes(2), "three frames done");
        Process.GetProcessById(victim).Kill();
        output.WriteLine($"killed {instance} (pid {victim}) with {await DoneCountAsync(frames)} of {frames.Count} frames done");

        var settled = await system.WaitSettledAsync(frames, TimeSpan.FromMinutes(5));
        Assert.All(settled.Values, f => Assert.Equal("done", f.GetProperty("status").GetString()));
        // Processed once: a frame analysed twice would hold its faces twice (same boxes).
        Assert.All(settled.Values, f =>
        {
            var boxes = f.GetProperty("faces").EnumerateArray().Select(face => face.GetProperty("box").GetRawText()).ToList();
            Assert.Equal(boxes.Count, boxes.Distinct().Count());
        });

        await WaitUntilAsync(async () => (await WorkerProcessesAsync()).Any(w => w.Instance == instance && w.Pid != victim),
            TimeSpan.FromMinutes(2), $"{instance} started again");
        await WaitUntilAsync(async () => (await system.SnapshotsAsync()).Values.Count(e => e.Resource.Name == "worker"
            && e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy) == 2, TimeSpan.FromMinutes(2), "both replicas healthy");
    }

    [Fact, Step(5)]
    public async Task StoppingTheAppHostLeavesNothingRunning()
    {
        var snapshots = (await system.SnapshotsAsync()).Values.ToList();
        var containers = snapshots.Select(e => Property(e, "container.id")).OfType<string>().ToList();
        var processes = snapshots.Select(Pid).OfType<int>()
            .SelectMany(pid => ProcessTree.Descendants(pid).Select(p => p.Pid).Append(pid)).ToList();
        Assert.Equal(2, containers.Count);
        Assert.True(processes.Count >= 8, $"{processes.Count} service processes: the api, two workers and the admin, each under its launcher");

        await system.StopAsync();

        await WaitUntilAsync(() => Task.FromResult(processes.All(pid => !Directory.Exists($"/proc/{pid}") || IsZombie(pid))),
            TimeSpan.FromSeconds(30), "no service process left");
        var engine = Environment.GetEnvironmentVariable("ASPIRE_CONTAINER_RUNTIME") ?? "docker";
        foreach (var id in containers)
        {
            var ps = Process.Start(new ProcessStartInfo(engine, ["ps", "-aq", "--no-trunc", "--filter", $"id={id}"]) { RedirectStandardOutput = true })!;
            var listed = await ps.StandardOutput.ReadToEndAsync();
            await ps.WaitForExitAsync();
            Assert.True(listed.Trim().Length == 0, $"container {id} is still there");
        }
        Assert.False(File.Exists(system.EndpointsFile), "the endpoints file outlived the AppHost");
    }

    /// <summary>The worker replicas' own processes (under the launcher whose pid the AppHost reports) and their
    /// replica names.</summary>
    private async Task<List<(int Pid, string Instance)>> WorkerProcessesAsync() =>
        [.. (await system.SnapshotsAsync()).Values
            .Where(e => e.Resource.Name == "worker" && Pid(e) is not null)
            .SelectMany(e => ProcessTree.Descendants(Pid(e)!.Value).Prepend((Pid: Pid(e)!.Value, CommandLine: ProcessTree.CommandLine(Pid(e)!.Value)))
                .Where(p => p.CommandLine.Contains("/FaceAspire.Worker", StringComparison.Ordinal) && !p.CommandLine.Contains("dotnet run", StringComparison.Ordinal))
                .Select(p => (p.Pid, e.ResourceId)))];

    /// <summary>The process id the AppHost reports for a project replica (its launcher's), or null.</summary>
    private static int? Pid(ResourceEvent e) =>
        int.TryParse(Property(e, "executable.pid")?.ToString(), out var pid) ? pid : null;

    private static object? Property(ResourceEvent e, string name) =>
        e.Snapshot.Properties.FirstOrDefault(p => p.Name == name)?.Value;

    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] == 'Z';
        }
        catch (IOException)
        {
            return true;
        }
    }

    private async Task<int> DoneCountAsync(IEnumerable<Guid> frames)
    {
        var done = 0;
        foreach (var id in frames)
            if ((await system.Api.GetFromJsonAsync<JsonElement>($"/api/frames/{id}")).GetProperty("status").GetString() == "done")
                done++;
        return done;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > timeout)
                throw new TimeoutException($"not within {timeout}: {what}");
            await Task.Delay(500);
        }
    }
}
