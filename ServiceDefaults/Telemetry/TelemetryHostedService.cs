using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace FaceAspire.ServiceDefaults.Telemetry;

/// <summary>
/// Resolves the tracer, meter and logger providers when the host starts (they only listen once created, and
/// nothing else asks for them), and force-flushes them when it stops so the last spans of a short-lived
/// process (the migration step) reach the collector. The DI container disposes them afterwards.
/// </summary>
internal sealed class TelemetryHostedService(IServiceProvider services) : IHostedService
{
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(5);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetService<TracerProvider>();
        _ = services.GetService<MeterProvider>();
        _ = services.GetService<LoggerProvider>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        var ms = (int)FlushTimeout.TotalMilliseconds;
        // Synchronous by design in the SDK; run off the stopping thread so several providers flush in parallel.
        return Task.WhenAll(
            Task.Run(() => services.GetService<TracerProvider>()?.ForceFlush(ms)),
            Task.Run(() => services.GetService<MeterProvider>()?.ForceFlush(ms)),
            Task.Run(() => services.GetService<LoggerProvider>()?.ForceFlush(ms)));
    }
}
