using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using FaceAspire.Core.Contracts;
using FaceAspire.Core.Data;
using FaceAspire.Testing;
using MassTransit;
using Npgsql;
using Xunit;

namespace FaceAspire.Worker.IntegrationTests.Support;

/// <summary>
/// A fresh database (see <see cref="PostgresDatabaseFixture"/>) plus a fresh RabbitMQ virtual host per test class,
/// so that the <c>analyze-frame</c> queue of one class (or of another test assembly running at the same time) is
/// never consumed by another's workers. Offers: worker processes (<see cref="ServiceProcess"/>) wired to both, a
/// send-only bus, ingest + send, and waiting for frames to settle.
/// </summary>
public class PipelineFixture : PostgresDatabaseFixture, IAsyncLifetime
{
    private readonly List<ServiceProcess> _workers = [];
    private IBusControl? _bus;
    private RabbitMqVirtualHost? _vhost;

    /// <summary>The class's vhost, <c>v_</c> + the database name.</summary>
    public string VirtualHost => "v_" + DatabaseName;

    /// <summary>AMQP URL of <see cref="VirtualHost"/>.</summary>
    public string MessagingUrl { get; private set; } = "";

    /// <summary>The workers started through <see cref="StartWorkerAsync"/> (for failure messages).</summary>
    public IReadOnlyList<ServiceProcess> Workers => _workers;

    /// <summary>Core's ingest on the app role (what the Api uses): frame + bytes + outbox row in one transaction.</summary>
    public FrameIngest Ingest => new(AppDataSource, TestEncryption.Sealer);

    /// <inheritdoc />
    public override async Task InitializeAsync()
    {
        var infra = await TestInfrastructure.GetAsync(requireRabbitMq: true);
        await base.InitializeAsync();
        _vhost = await RabbitMqVirtualHost.CreateAsync(infra.RabbitMq, VirtualHost);
        MessagingUrl = _vhost.Url;
        _bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(new Uri(MessagingUrl)));
        await _bus.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
    }

    /// <summary>Kills the workers, stops the bus, deletes the vhost and the database.</summary>
    public new async Task DisposeAsync()
    {
        foreach (var w in _workers)
            await w.DisposeAsync();
        if (_bus is not null)
            await _bus.StopAsync();
        if (_vhost is not null)
            await _vhost.DeleteAsync();
        await base.DisposeAsync();
    }

    /// <summary>Messages ready in <paramref name="queue"/> of this vhost (0 when the queue does not exist).</summary>
    public async Task<int> QueueDepthAsync(string queue) =>
        (await CountsForQueueAsync(queue, "list_queues", "name", "messages")).FirstOrDefault();

    /// <summary>
    /// The prefetch count of every consumer on <paramref name="queue"/> in this vhost, as the broker reports it
    /// (<c>rabbitmqctl list_consumers</c>); one entry per consumer, in no particular order.
    /// </summary>
    public Task<List<int>> ConsumerPrefetchCountsAsync(string queue) =>
        CountsForQueueAsync(queue, "list_consumers", "queue_name", "prefetch_count");

    // rabbitmqctl LIST -p VHOST NAME_COLUMN COUNT_COLUMN prints one "name<TAB>count" row per item, after header lines
    // that never parse as such a row.
    private async Task<List<int>> CountsForQueueAsync(string queue, string list, string nameColumn, string countColumn)
    {
        var output = await _vhost!.CtlAsync(list, "-p", VirtualHost, nameColumn, countColumn);
        var counts = new List<int>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = line.Split('\t', ' ');
            if (parts.Length >= 2 && parts[0] == queue && int.TryParse(parts[^1], out var n))
                counts.Add(n);
        }
        return counts;
    }

    /// <summary>The environment of a worker process for this database and vhost.</summary>
    /// <param name="concurrency">Worker:Concurrency.</param>
    /// <param name="extra">More settings (override the defaults).</param>
    public Dictionary<string, string> WorkerEnvironment(int concurrency, IReadOnlyDictionary<string, string>? extra = null)
    {
        var env = new Dictionary<string, string>
        {
            ["ConnectionStrings__facedb"] = AppConnectionString,
            ["ConnectionStrings__messaging"] = MessagingUrl,
            ["Worker__Concurrency"] = concurrency.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (k, v) in extra ?? new Dictionary<string, string>())
            env[k] = v;
        return env;
    }

    /// <summary>Kills <paramref name="process"/> when the fixture is disposed.</summary>
    public void Track(ServiceProcess process) => _workers.Add(process);

    /// <summary>
    /// The CPUs <see cref="StartWorkerAsync"/> starts workers on (<see cref="ServiceProcessOptions.Cpus"/>, e.g.
    /// <c>0</c>); every CPU when null. The bench's <c>--pin</c> uses it, so a worker sizes its thread pool and
    /// analysis gate for the core it runs on.
    /// </summary>
    public string? WorkerCpus { get; init; }

    /// <summary>Starts a worker process (on <see cref="WorkerCpus"/>; killed when the fixture is disposed).</summary>
    public async Task<ServiceProcess> StartWorkerAsync(string name, int concurrency, IReadOnlyDictionary<string, string>? extra = null)
    {
        var worker = await StartWorkerProcessAsync(name, WorkerEnvironment(concurrency, extra), WorkerCpus);
        _workers.Add(worker);
        return worker;
    }

    /// <summary>
    /// Starts an Api process on this database and vhost (a free port; killed when the fixture is disposed), with a
    /// fresh API key; returns a client that sends the key.
    /// </summary>
    public async Task<(HttpClient Http, ServiceProcess Api)> StartApiAsync()
    {
        var key = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var env = WorkerEnvironment(1, new Dictionary<string, string> { ["Api__BootstrapApiKey"] = key });
        var api = await StartServiceAsync(new ServiceProcessOptions("Api")
        {
            Name = "api",
            ListenOnFreePort = true,
            Environment = [.. ServiceDefaults, .. env],
        }, "Now listening on");
        Track(api);
        var http = new HttpClient { BaseAddress = new Uri(api.BaseUrl!) };
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
        return (http, api);
    }

    /// <summary>POSTs <paramref name="jpeg"/> as a raw <c>image/jpeg</c> body and returns the frame id.</summary>
    /// <exception cref="HttpRequestException">The answer was not 202 (the body is in the message).</exception>
    public static async Task<Guid> PostAsync(HttpClient http, byte[] jpeg)
    {
        using var content = new ByteArrayContent(jpeg);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        using var response = await http.PostAsync("/api/frames", content);
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw new HttpRequestException($"POST /api/frames: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body[0].GetProperty("id").GetGuid();
    }

    /// <summary>Settings every service process of these tests starts with (<see cref="PipelineProcesses.ServiceDefaults"/>).</summary>
    public static IReadOnlyDictionary<string, string> ServiceDefaults => PipelineProcesses.ServiceDefaults;

    /// <summary>Starts a worker process (not tracked: the caller disposes it); see <see cref="PipelineProcesses.StartWorkerAsync"/>.</summary>
    public static Task<ServiceProcess> StartWorkerProcessAsync(string name, IReadOnlyDictionary<string, string> environment, string? cpus = null) =>
        PipelineProcesses.StartWorkerAsync(name, environment, cpus);

    /// <summary>How a worker process is started (<see cref="PipelineProcesses.WorkerOptions"/>): for tests that start one
    /// without waiting for its bus, such as a worker expected to refuse its settings.</summary>
    public static ServiceProcessOptions WorkerProcessOptions(string name, IReadOnlyDictionary<string, string> environment) =>
        PipelineProcesses.WorkerOptions(name, environment);

    /// <summary>Starts a service process and waits for <paramref name="readyText"/> (<see cref="PipelineProcesses.StartAsync"/>).</summary>
    public static Task<ServiceProcess> StartServiceAsync(ServiceProcessOptions options, string readyText) =>
        PipelineProcesses.StartAsync(options, readyText);

    /// <summary>
    /// Accepts an image through Core's <see cref="FrameIngest"/> as the Api does (frame row, bytes and the
    /// <see cref="AnalyzeFrame"/> outbox row in one statement); the outbox relay of a running worker sends the command
    /// (every process that writes outbox rows relays them, ADR 0024). Returns the frame id.
    /// </summary>
    public async Task<Guid> IngestAsync(byte[] image, string? source = null) =>
        (await Ingest.AcceptAsync(image, "image/jpeg", source, DateTimeOffset.UtcNow, null)).FrameId;

    /// <summary>Sends a command to the analyze-frame queue on this vhost (an extra delivery: the outbox's is separate).</summary>
    public Task SendAsync(AnalyzeFrame message) => SendAsync(message, MessagingNames.AnalyzeFrameQueue);

    /// <summary>Sends a command to <paramref name="queue"/> (one of <see cref="MessagingNames"/>' queues) on this vhost.</summary>
    public async Task SendAsync<T>(T message, string queue) where T : class
    {
        var endpoint = await _bus!.GetSendEndpoint(MessagingNames.Queue(queue));
        await endpoint.Send(message);
    }

    /// <summary>Waits until every frame in <paramref name="frameIds"/> is done or failed.</summary>
    /// <exception cref="TimeoutException">Not within <paramref name="timeout"/>; the message holds the status
    /// counts and the workers' output.</exception>
    public async Task WaitSettledAsync(IReadOnlyCollection<Guid> frameIds, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var counts = await StatusCountsAsync(frameIds);
            var settled = counts.GetValueOrDefault(FrameStatus.Done) + counts.GetValueOrDefault(FrameStatus.Failed);
            if (settled == frameIds.Count)
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{settled}/{frameIds.Count} frames settled after {timeout.TotalSeconds} s: " +
                    string.Join(", ", counts.Select(kv => $"{kv.Key}={kv.Value}")) + "\n" + string.Join("\n", _workers.Select(w => w.Tail())));
            await Task.Delay(200);
        }
    }

    /// <summary>
    /// Stops the shared RabbitMQ container for real, runs <paramref name="whileDown"/>,
    /// and starts it again whatever happens (~5 s). Only for test classes that run alone, as above.
    /// </summary>
    public Task WithBrokerDownAsync(Func<Task> whileDown) => Infrastructure.RabbitMq.WithStoppedAsync(whileDown);

    /// <summary>
    /// How many of the given frames do not have exactly one face row: 0 when single-face frames are each stored once.
    /// </summary>
    public Task<long> FramesWithoutExactlyOneFaceAsync(IReadOnlyCollection<Guid> frameIds) => ScalarAsync<long>(
        "SELECT count(*) FROM frames fr WHERE fr.id = ANY(@ids) AND (SELECT count(*) FROM faces WHERE frame_id = fr.id) <> 1",
        ("ids", frameIds.ToArray()));

    /// <summary>Status → number of the given frames.</summary>
    public async Task<Dictionary<string, int>> StatusCountsAsync(IReadOnlyCollection<Guid> frameIds)
    {
        await using var command = AppDataSource.CreateCommand("SELECT status, count(*)::int FROM frames WHERE id = ANY(@ids) GROUP BY status");
        command.Parameters.AddWithValue("ids", frameIds.ToArray());
        var result = new Dictionary<string, int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            result[reader.GetString(0)] = reader.GetInt32(1);
        return result;
    }
}
