using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace FaceAspire.AppHost.Tests;

/// <summary>
/// The whole system under the real AppHost, started once for a test class by Aspire.Hosting.Testing: the PostgreSQL
/// and RabbitMQ containers (throw-away: no data volumes), the migration step, the Api, two worker replicas, the admin
/// and the dashboard. Ready when the AppHost has written its endpoints file, which it does once every service is healthy.
/// </summary>
public sealed class SystemFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(6);

    /// <summary>Where the AppHost writes its endpoints file for this run.</summary>
    public string EndpointsFile { get; } = Path.Combine(Path.GetTempPath(), $"faceaspire-endpoints-{Guid.NewGuid():N}.json");

    /// <summary>The running application.</summary>
    public DistributedApplication App { get; private set; } = null!;

    /// <summary>The endpoints file's content: api, apiReference, admin, dashboard (with its login token), apiKey.</summary>
    public IReadOnlyDictionary<string, string> Endpoints { get; private set; } = new Dictionary<string, string>();

    /// <summary>A client for the Api that sends the dev API key.</summary>
    public HttpClient Api { get; private set; } = null!;

    /// <summary>From the start call to every service healthy.</summary>
    public TimeSpan TimeToHealthy { get; private set; }

    /// <summary>Whether <see cref="StopAsync"/> already ran (a test stops the system on purpose).</summary>
    public bool Stopped { get; private set; }

    public async Task InitializeAsync()
    {
        var started = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            ["--AppHost:DataVolumes=false", $"--AppHost:EndpointsFile={EndpointsFile}", "--Worker:Replicas=2"],
            (options, _) => options.DisableDashboard = false, timeout.Token);
        App = await builder.BuildAsync(timeout.Token);
        await App.StartAsync(timeout.Token);
        while (!File.Exists(EndpointsFile))
            await Task.Delay(500, timeout.Token);
        TimeToHealthy = started.Elapsed;
        Endpoints = JsonSerializer.Deserialize<Dictionary<string, string>>(await File.ReadAllTextAsync(EndpointsFile, timeout.Token))!;
        Api = new HttpClient { BaseAddress = new Uri(Endpoints["api"]), Timeout = TimeSpan.FromSeconds(60) };
        Api.DefaultRequestHeaders.Add("X-Api-Key", Endpoints["apiKey"]);
    }

    /// <summary>Posts one image; returns its frame id.</summary>
    public async Task<Guid> PostAsync(string path)
    {
        using var content = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(path)), "file", Path.GetFileName(path) } };
        var response = await Api.PostAsync("/api/frames", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement[0].GetProperty("id").GetGuid();
    }

    /// <summary>Polls every frame until it is done or failed (or <paramref name="timeout"/> passes); returns each
    /// frame's last JSON.</summary>
    public async Task<Dictionary<Guid, JsonElement>> WaitSettledAsync(IEnumerable<Guid> frames, TimeSpan timeout)
    {
        var settled = new Dictionary<Guid, JsonElement>();
        var pending = frames.ToHashSet();
        var watch = Stopwatch.StartNew();
        while (pending.Count > 0 && watch.Elapsed < timeout)
        {
            foreach (var id in pending.ToList())
            {
                var frame = await Api.GetFromJsonAsync<JsonElement>($"/api/frames/{id}");
                settled[id] = frame;
                if (frame.GetProperty("status").GetString() is "done" or "failed")
                    pending.Remove(id);
            }
            if (pending.Count > 0)
                await Task.Delay(500);
        }
        return settled;
    }

    /// <summary>The resources' current snapshots by resource id (one per replica), from the AppHost's notifications.</summary>
    public async Task<Dictionary<string, ResourceEvent>> SnapshotsAsync()
    {
        var snapshots = new Dictionary<string, ResourceEvent>();
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            // WatchAsync replays the latest state of every resource first, then waits for changes.
            await foreach (var e in App.ResourceNotifications.WatchAsync(cancel.Token))
                snapshots[e.ResourceId] = e;
        }
        catch (OperationCanceledException)
        {
        }
        return snapshots;
    }

    /// <summary>Stops the AppHost (containers and processes), once.</summary>
    public async Task StopAsync()
    {
        if (Stopped)
            return;
        Stopped = true;
        Api?.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }

    public Task DisposeAsync() => StopAsync();
}
