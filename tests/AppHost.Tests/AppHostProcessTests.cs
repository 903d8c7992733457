using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Xunit.Abstractions;

namespace FaceAspire.AppHost.Tests;

/// <summary>The AppHost as a real process over real PostgreSQL, RabbitMQ and service processes. One class, so its
/// tests run one after another on the one infra instance "apphosttest".</summary>
[Collection(nameof(AppHostProcessTests))]
public sealed class AppHostProcessTests(ITestOutputHelper output)
{
    private const string Instance = "apphosttest";

    [Fact]
    public async Task StartsTheStackRestartsAKilledWorkerAndLeavesNothingRunningAfterCtrlC()
    {
        await using var host = AppHostProcess.Start(Instance);
        var endpoints = await host.WaitForEndpointsAsync(TimeSpan.FromMinutes(6));
        output.WriteLine($"ready in {host.State().GetProperty("readySeconds").GetDouble():0.0} s");

        var api = endpoints.GetProperty("api").GetString()!;
        var admin = endpoints.GetProperty("admin").GetString()!;
        Assert.Matches("^fa_[A-Za-z0-9_-]{43}$", endpoints.GetProperty("apiKey").GetString());
        using var client = new HttpClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(api + "/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(admin + "/health")).StatusCode);
        Assert.Equal("Finished", host.Row("migrations").GetProperty("state").GetString());

        var killed = host.Row("worker-1").GetProperty("pid").GetInt32();
        AppHostProcess.Signal(killed, "KILL");
        var watch = Stopwatch.StartNew();
        JsonElement worker;
        do
        {
            await Task.Delay(200);
            worker = host.Row("worker-1");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"worker-1 not restarted:\n{host.Output}");
        } while (worker.GetProperty("state").GetString() != "Running" || worker.GetProperty("restarts").GetInt32() == 0);
        output.WriteLine($"worker-1 restarted and healthy {watch.Elapsed.TotalSeconds:0.0} s after SIGKILL");
        Assert.Equal(1, worker.GetProperty("restarts").GetInt32());
        Assert.NotEqual(killed, worker.GetProperty("pid").GetInt32());
        Assert.Equal(0, host.Row("worker-2").GetProperty("restarts").GetInt32());

        var children = host.State().GetProperty("resources").EnumerateArray()
            .Where(r => r.GetProperty("pid").ValueKind == JsonValueKind.Number)
            .Select(r => r.GetProperty("pid").GetInt32()).ToList();
        Assert.Equal(4, children.Count); // api, worker-1, worker-2, admin
        var patterns = host.InfraProcessPatterns();
        Assert.All(patterns, p => Assert.NotEqual("", AppHostProcess.Pgrep(p)));

        watch.Restart();
        AppHostProcess.Signal(host.Pid, "INT");
        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(90)));
        output.WriteLine($"stopped {watch.Elapsed.TotalSeconds:0.0} s after SIGINT");
        Assert.All(children, pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"child {pid} still running"));
        Assert.All(patterns, p => Assert.Equal("", AppHostProcess.Pgrep(p)));
        Assert.False(File.Exists(Path.Combine(host.RunDirectory, "endpoints.json")));
        Assert.All(host.State().GetProperty("resources").EnumerateArray(),
            r => Assert.Contains(r.GetProperty("state").GetString(), new[] { "Stopped", "Finished" }));
    }

    [Fact]
    public async Task AnAppHostStoppedWhileItsBrokerBootsLeavesNothingRunning()
    {
        await using var host = AppHostProcess.Start(Instance);
        var patterns = host.InfraProcessPatterns();
        var watch = Stopwatch.StartNew();
        while (AppHostProcess.Pgrep(patterns[1]) == "") // the node is launched; its start script waits for the boot
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"no RabbitMQ node launched:\n{host.Output}");
            await Task.Delay(100);
        }
        AppHostProcess.Signal(host.Pid, "INT");
        await host.WaitForExitAsync(TimeSpan.FromSeconds(120));
        output.WriteLine($"stopped {watch.Elapsed.TotalSeconds:0.0} s after start");
        // Before, the cancelled start script lived on and booted a broker nobody owned; the next AppHost on the
        // instance found it "already running" while a second start raced it.
        Assert.All(patterns, p => Assert.True(AppHostProcess.Pgrep(p) == "", $"left running: {p}\n{host.Output}"));
    }

    [Fact]
    public async Task APostedPhotoOfObamaAndBidenGivesTheirFacesWithPersonsAndEmotionsWithinSeconds()
    {
        var shared = Environment.GetEnvironmentVariable("FACEASPIRE_SHARED") ?? Path.Combine(AppHostProcess.RepositoryRoot, "..", "shared");
        var photo = Path.Combine(shared, "data", "identities", "face_recognition", "knn_examples", "test", "obama_and_biden.jpg");
        await using var host = AppHostProcess.Start(Instance);
        var endpoints = await host.WaitForEndpointsAsync(TimeSpan.FromMinutes(6));
        var api = endpoints.GetProperty("api").GetString()!;
        using var client = new HttpClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", endpoints.GetProperty("apiKey").GetString());

        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(photo));
        content.Headers.ContentType = new("image/jpeg");
        var posted = await client.PostAsync(api + "/api/frames", content);
        Assert.True(posted.IsSuccessStatusCode, $"POST /api/frames: {(int)posted.StatusCode} {await posted.Content.ReadAsStringAsync()}");
        // 202 with [{id, status, statusUrl, duplicate}], one element per image.
        var id = JsonDocument.Parse(await posted.Content.ReadAsStringAsync()).RootElement[0].GetProperty("id").GetString();

        var watch = Stopwatch.StartNew();
        JsonElement frame;
        do
        {
            await Task.Delay(250);
            frame = JsonDocument.Parse(await client.GetStringAsync($"{api}/api/frames/{id}")).RootElement.Clone();
        } while (frame.GetProperty("status").GetString() is not ("done" or "failed") && watch.Elapsed < TimeSpan.FromSeconds(30));
        output.WriteLine($"frame {frame.GetProperty("status")} {watch.Elapsed.TotalSeconds:0.0} s after the POST");
        Assert.True(frame.GetProperty("status").GetString() == "done", $"{frame}\n{host.Output}");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), $"took {watch.Elapsed.TotalSeconds:0.0} s");

        // The photo shows Obama and Biden in front and, lower right, a child's face (~143 px wide of 2000) that the
        // detector also finds: every face needs a person and an emotion; the two largest are two different people.
        var faces = frame.GetProperty("faces").EnumerateArray().ToList();
        Assert.True(faces.Count >= 2, frame.ToString());
        foreach (var face in faces)
        {
            Assert.True(face.TryGetProperty("personId", out var person) && person.ValueKind != JsonValueKind.Null, face.ToString());
            Assert.True(face.TryGetProperty("emotion", out var emotion) && emotion.ValueKind != JsonValueKind.Null, face.ToString());
            output.WriteLine($"face {face.GetProperty("box")}: person {person}, emotion {emotion.GetProperty("dominant")} " +
                             $"{emotion.GetProperty("confidence").GetDouble():0.00}");
        }
        var largest = faces.OrderByDescending(f => f.GetProperty("box").GetProperty("w").GetDouble()).Take(2)
            .Select(f => f.GetProperty("personId").GetString()).ToList();
        Assert.NotEqual(largest[0], largest[1]);

        var children = host.State().GetProperty("resources").EnumerateArray()
            .Where(r => r.GetProperty("pid").ValueKind == JsonValueKind.Number)
            .Select(r => r.GetProperty("pid").GetInt32()).ToList();
        var patterns = host.InfraProcessPatterns();
        AppHostProcess.Signal(host.Pid, "INT");
        Assert.Equal(0, await host.WaitForExitAsync(TimeSpan.FromSeconds(90)));
        Assert.All(children, pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"child {pid} still running"));
        Assert.All(patterns, p => Assert.Equal("", AppHostProcess.Pgrep(p)));
    }
}
