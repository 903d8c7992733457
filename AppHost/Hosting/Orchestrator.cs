using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Hosting;

namespace FaceAspire.AppHost.Hosting;

/// <summary>
/// Starts every resource once its dependencies are ready (infrastructure and the build run in parallel),
/// reports "ready in N.N s" and writes <c>.run/endpoints.json</c> when all are healthy, keeps
/// <c>.run/state.json</c> current (rows with state, pid, URL, restarts), and on stop terminates the children,
/// then the infrastructure it started.
/// </summary>
internal sealed class Orchestrator(
    OrchestratorContext context, IReadOnlyList<Resource> resources, DevApiKeyHolder apiKey, IHostApplicationLifetime lifetime)
    : IHostedService
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _display = new();
    private readonly Lock _stateGate = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private Task _run = Task.CompletedTask;
    private Task _live = Task.CompletedTask;
    private double? _readySeconds;

    private string EndpointsPath => Path.Combine(context.RunDirectory, "endpoints.json");
    private string StatePath => Path.Combine(context.RunDirectory, "state.json");

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(context.LogDirectory);
        File.Delete(EndpointsPath); // a stale file would point scripts at a system that is not up
        context.Stopping = _stopping.Token;
        context.Table.Track(resources.SelectMany(r => r.Instances));
        context.Table.Changed += WriteState;
        WriteState();
        if (context.Table.IsLive)
            _live = context.Table.RunLiveAsync(_display.Token);
        _run = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task RunAsync()
    {
        var ct = _stopping.Token;
        context.Build = ProjectBuilder.BuildAsync(resources.OfType<ProjectResource>(), context, ct);
        foreach (var resource in resources)
            _ = StartWhenReadyAsync(resource, ct);
        try
        {
            await Task.WhenAll(resources.Select(r => r.Ready.Task)).WaitAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return;
        }
        catch (Exception)
        {
            var failed = resources.Where(r => r.Ready.Task.IsFaulted)
                .Select(r => $"{r.Name}: {r.Ready.Task.Exception!.InnerException!.Message}");
            context.Table.Headline("failed to start: " + string.Join("; ", failed));
            Environment.ExitCode = 1;
            lifetime.StopApplication();
            return;
        }
        _readySeconds = _clock.Elapsed.TotalSeconds;
        WriteEndpoints();
        context.Table.Headline($"ready in {_readySeconds:0.0} s; endpoints in {EndpointsPath}");
        var otlp = context.TelemetryEnvironment.GetValueOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT");
        context.Table.Info(otlp is null
            ? "traces: none set: set OTEL_EXPORTER_OTLP_ENDPOINT to an OTLP collector, e.g. the standalone Aspire dashboard container where Docker exists"
            : $"traces: OTLP to {otlp} ({context.TelemetryEnvironment.GetValueOrDefault("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")})");
        WriteState();
    }

    private async Task StartWhenReadyAsync(Resource resource, CancellationToken ct)
    {
        try
        {
            foreach (var (target, kind) in resource.Waits)
            {
                var signal = kind == WaitKind.Completed ? target.Completed.Task : target.Ready.Task;
                try
                {
                    await signal.WaitAsync(ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    throw new InvalidOperationException($"waits for '{target.Name}', which failed", ex);
                }
            }
            await resource.StartAsync(context, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            resource.Fail(ex);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        context.Table.Headline("stopping");
        await _stopping.CancelAsync();
        File.Delete(EndpointsPath);
        // Services first (they hold connections), then the servers; each group in parallel.
        await Task.WhenAll(resources.OfType<ProjectResource>().Select(r => r.StopAsync(context)));
        await Task.WhenAll(resources.OfType<InfraResource>().Select(r => r.StopAsync(context)));
        try { await _run; } catch (Exception) { /* already reported */ }
        context.Table.Headline($"stopped after {_clock.Elapsed.TotalSeconds:0.0} s");
        await _display.CancelAsync();
        await _live;
        WriteState();
    }

    private void WriteEndpoints()
    {
        var endpoints = new Dictionary<string, string>();
        foreach (var project in resources.OfType<ProjectResource>().Where(p => p.IsWeb && !p.RunsToCompletion))
            endpoints[project.Name] = project.Url;
        if (apiKey.Key is { } key) endpoints["apiKey"] = key;
        DevApiKey.WriteSecret(EndpointsPath, JsonSerializer.Serialize(endpoints, Json) + "\n");
    }

    private void WriteState()
    {
        lock (_stateGate)
        {
            var state = new
            {
                pid = Environment.ProcessId,
                ready = _readySeconds is not null,
                readySeconds = _readySeconds,
                stopping = _stopping.IsCancellationRequested,
                resources = context.Table.Rows.Select(r => new
                {
                    name = r.Name, resource = r.Resource, state = r.State.ToString(), pid = r.Pid, url = r.Url,
                    restarts = r.Restarts, exitCode = r.ExitCode, message = r.Message,
                }),
            };
            var temp = StatePath + ".tmp";
            File.WriteAllText(temp, JsonSerializer.Serialize(state, Json));
            File.Move(temp, StatePath, overwrite: true);
        }
    }
}
