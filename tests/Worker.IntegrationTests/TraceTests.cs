using System.Diagnostics;
using System.Net;
using System.Text.Json;
using FaceAspire.Testing;
using Xunit.Abstractions;

namespace FaceAspire.Worker.IntegrationTests;

/// <summary>A fresh migrated database (<see cref="PostgresDatabaseFixture"/>) plus a private RabbitMQ virtual host,
/// so this class's analyze-frame queue is consumed only by its own worker.</summary>
public sealed class TracePipelineFixture : PostgresDatabaseFixture, IAsyncLifetime
{
    private RabbitMqVirtualHost? _vhost;

    public string VirtualHost => "t_" + DatabaseName;
    public string MessagingUrl { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        var infra = await TestInfrastructure.GetAsync(requireRabbitMq: true);
        await base.InitializeAsync();
        _vhost = await RabbitMqVirtualHost.CreateAsync(infra.RabbitMq, VirtualHost);
        MessagingUrl = _vhost.Url;
    }

    public new async Task DisposeAsync()
    {
        if (_vhost is not null)
            await _vhost.DeleteAsync();
        await base.DisposeAsync();
    }
}

/// <summary>
/// Issue 4, "one frame, one trace": the real Api and Worker processes export over OTLP/HTTP to an in-test
/// receiver; one posted photo must give ONE trace from the HTTP request through the outbox (a background loop),
/// RabbitMQ, the worker's vision stages and matching, down to the database writes, with every parent link intact.
/// </summary>
public sealed class TraceTests(TracePipelineFixture db, ITestOutputHelper output) : IClassFixture<TracePipelineFixture>
{
    [Fact]
    public async Task OnePostedPhotoIsOneTraceFromTheRequestThroughTheBrokerToTheDatabaseWrites()
    {
        using var receiver = new OtlpReceiver();
        var apiKey = Core.Data.Entities.ApiKey.Generate();
        var port = ServiceProcess.FreeLoopbackPort();
        var api = $"http://127.0.0.1:{port}";
        Dictionary<string, string> Env(string service) => new()
        {
            ["ConnectionStrings__facedb"] = db.AppConnectionString,
            ["ConnectionStrings__messaging"] = db.MessagingUrl,
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_SERVICE_NAME"] = service,
            ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={service}-1",
        };
        var apiEnv = Env("api");
        apiEnv["ASPNETCORE_URLS"] = api;
        apiEnv["Api__BootstrapApiKey"] = apiKey;
        await using var worker = StartService("Worker", "worker", Env("worker"));
        await using var apiProcess = StartService("Api", "api", apiEnv);
        await worker.WaitForOutputAsync("Bus started", TimeSpan.FromSeconds(120));

        // No traceparent from the test: the Api's server span must be the trace's root.
        using var client = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = new Uri(api) };
        await WaitHealthyAsync(client, apiProcess);
        client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        var photo = SharedData.PathOf("identities/face_recognition/obama.jpg");
        using var content = new ByteArrayContent(await File.ReadAllBytesAsync(photo));
        content.Headers.ContentType = new("image/jpeg");
        var posted = await client.PostAsync("/api/frames", content);
        Assert.True(posted.StatusCode == HttpStatusCode.Accepted, $"{(int)posted.StatusCode} {await posted.Content.ReadAsStringAsync()}");
        var frameId = JsonDocument.Parse(await posted.Content.ReadAsStringAsync()).RootElement[0].GetProperty("id").GetString(); // [{id, status, ...}]

        var watch = Stopwatch.StartNew();
        string? status = null;
        while (watch.Elapsed < TimeSpan.FromSeconds(60) && status is not ("done" or "failed"))
        {
            await Task.Delay(200);
            status = JsonDocument.Parse(await client.GetStringAsync($"/api/frames/{frameId}")).RootElement.GetProperty("status").GetString();
        }
        Assert.True(status == "done", $"frame {frameId} is {status}\n{apiProcess.Tail()}\n{worker.Tail()}");
        // The result's events wait in the outbox until a relay publishes them (ADR 0017, ADR 0024).
        while (watch.Elapsed < TimeSpan.FromSeconds(60) && await PendingOutboxRowsAsync() > 0)
            await Task.Delay(100);
        Assert.Equal(0L, await PendingOutboxRowsAsync());
        // Graceful stops flush both processes' batch exporters.
        Assert.Equal(0, await apiProcess.StopAsync(TimeSpan.FromSeconds(60)));
        Assert.Equal(0, await worker.StopAsync(TimeSpan.FromSeconds(60)));

        var all = receiver.Spans;
        var root = Assert.Single(all, s => s.ServiceName == "api" && s.Scope == "Microsoft.AspNetCore" && s.Name.StartsWith("POST /api/frames"));
        var trace = all.Where(s => s.TraceId == root.TraceId).ToList();
        output.WriteLine($"{all.Count} spans received, {trace.Count} in the frame's trace {root.TraceId}:");
        output.WriteLine(SpanTree.Render(trace));

        // One root; every other span's parent is in the set (no orphans, nothing parented outside the trace).
        Assert.Equal("", root.ParentSpanId);
        var ids = trace.Select(s => s.SpanId).ToHashSet();
        Assert.Equal([root], trace.Where(s => s.ParentSpanId == "").ToList());
        Assert.All(trace, s => Assert.True(s.ParentSpanId == "" || ids.Contains(s.ParentSpanId), $"orphan: {s.ServiceName} {s.Scope} {s.Name}"));
        Assert.All(trace, s => Assert.Contains(s.ServiceName, new[] { "api", "worker" }));

        var byId = trace.ToDictionary(s => s.SpanId);
        ReceivedSpan Parent(ReceivedSpan s) => byId[s.ParentSpanId];
        bool Under(ReceivedSpan s, ReceivedSpan ancestor)
        {
            for (var p = s; p.ParentSpanId != ""; p = Parent(p))
                if (p.ParentSpanId == ancestor.SpanId) return true;
            return false;
        }

        // Api: POST → ingest → ingest commit (the group commit's statement, with Npgsql's INSERT under it) and
        // send analyze-frame (the outbox row's restored context) → MassTransit send. Every process that writes outbox
        // rows relays them (ADR 0024), so the relay that sends a row may be either service's.
        var ingest = Assert.Single(trace, s => s.Name == "ingest");
        Assert.Equal(root.SpanId, ingest.ParentSpanId);
        var commit = Assert.Single(trace, s => s.Name == "ingest commit");
        Assert.Equal(("api", ingest.SpanId, "1"), (commit.ServiceName, commit.ParentSpanId, commit.Attributes["faceaspire.frames"]));
        Assert.Contains(trace, s => s.Scope == "Npgsql" && s.ParentSpanId == commit.SpanId);
        var outboxSend = Assert.Single(trace, s => s.Name == "send analyze-frame");
        Assert.Equal(("FaceAspire.Pipeline", ingest.SpanId), (outboxSend.Scope, outboxSend.ParentSpanId));
        var mtSend = Assert.Single(trace, s => s.Scope == "MassTransit" && s.ParentSpanId == outboxSend.SpanId);
        Assert.Equal(outboxSend.SpanId, mtSend.ParentSpanId);

        // Worker: MassTransit receive/consume under the send, "analyze" directly under the consume span.
        var analyze = Assert.Single(trace, s => s.Name == "analyze");
        Assert.Equal("worker", analyze.ServiceName);
        var consume = Parent(analyze);
        Assert.Equal(("worker", "MassTransit"), (consume.ServiceName, consume.Scope));
        Assert.True(Under(consume, mtSend), "the worker's consume span descends from the Api's send span");
        Assert.All(trace.Where(s => s.ServiceName == "worker" && s.Scope == "MassTransit" && !Under(s, analyze) && s.SpanId != mtSend.SpanId),
            s => Assert.True(Under(s, mtSend), $"{s.Name} is not under the send"));

        // analyze → vision stages (one face: one of each) and match → the writes.
        foreach (var stage in new[] { "decode", "detect", "align", "embed", "emotion" })
        {
            var span = Assert.Single(trace, s => s.Scope == "FaceAspire.Vision" && s.Name == stage);
            Assert.True(Under(span, analyze), $"{stage} is not under analyze");
        }
        var match = Assert.Single(trace, s => s.Name == "match");
        Assert.Equal(analyze.SpanId, match.ParentSpanId);
        var writes = trace.Where(s => s.Scope == "Npgsql" && s.ParentSpanId == match.SpanId).ToList();
        Assert.NotEmpty(writes);
        Assert.All(trace.Where(s => s.Scope == "Npgsql" && s.ServiceName == "worker"), s => Assert.True(Under(s, analyze), $"db span {s.Name} outside analyze"));

        // The result's events: outbox rows written under "match", published by a relay in the same trace.
        var relayed = new List<string> { outboxSend.SpanId };
        foreach (var name in new[] { "publish FrameAnalyzed", "publish FaceRecognized" })
        {
            var publish = Assert.Single(trace, s => s.Name == name);
            Assert.Equal(match.SpanId, publish.ParentSpanId);
            Assert.Single(trace, s => s.Scope == "MassTransit" && s.ParentSpanId == publish.SpanId);
            relayed.Add(publish.SpanId);
        }
        // Three messages left the outbox, each sent once.
        Assert.Equal(3, trace.Count(s => s.Scope == "MassTransit" && relayed.Contains(s.ParentSpanId)));

        // The dispatch batch is its own trace; idle polling leaves no database traces behind.
        Assert.Contains(all, s => s.Name == "outbox dispatch" && s.TraceId != root.TraceId);
        Assert.DoesNotContain(all, s => s.Scope == "Npgsql" && s.ParentSpanId == "");
    }

    private async Task<long> PendingOutboxRowsAsync()
    {
        await using var command = db.AppDataSource.CreateCommand("SELECT count(*) FROM outbox_messages WHERE dispatched_at IS NULL");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task WaitHealthyAsync(HttpClient client, ServiceProcess api)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if ((await client.GetAsync("/health")).IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (watch.Elapsed > TimeSpan.FromSeconds(90))
                throw new TimeoutException($"Api not healthy within 90 s\n{api.Tail()}");
            await Task.Delay(250);
        }
    }

    /// <summary>
    /// A built service as the AppHost runs it: production, single-line console logs, started from the repository
    /// root, configured only by <paramref name="environment"/>.
    /// </summary>
    private static ServiceProcess StartService(string project, string name, IReadOnlyDictionary<string, string> environment) =>
        ServiceProcess.Start(new ServiceProcessOptions(project)
        {
            Name = name,
            WorkingDirectory = RepositoryRoot.Find(),
            // Nothing from the test runner's environment may redirect the service (another collector, another database).
            RemoveInheritedPrefixes = ["ConnectionStrings__", "OTEL_"],
            Environment =
            [
                new("DOTNET_ENVIRONMENT", "Production"),
                new("ASPNETCORE_ENVIRONMENT", "Production"),
                new("Logging__Console__FormatterName", "simple"),
                new("Logging__Console__FormatterOptions__SingleLine", "true"),
                .. environment,
            ],
        });
}
