using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FaceAspire.ServiceDefaults.Health;

/// <summary>Port of the health listener of a non-web host; bound from the <c>HEALTH_PORT</c> setting.</summary>
public sealed record HealthListenerOptions
{
    /// <summary>TCP port on 127.0.0.1, 1..65535; null (unset) opens nothing.</summary>
    [Range(1, 65535)]
    public int? Port { get; set; }
}

/// <summary>
/// Serves <see cref="Extensions.HealthPath"/> and <see cref="Extensions.AlivePath"/> for a generic (non-web)
/// host such as the Worker, with the same semantics as <see cref="Extensions.MapDefaultEndpoints"/>, on
/// http://127.0.0.1:HEALTH_PORT/. An <see cref="HttpListener"/> rather than Kestrel so the Worker stays a plain
/// generic host (no ASP.NET Core pipeline, middleware or second configuration surface for two GET routes).
/// </summary>
internal sealed class HealthEndpointListener(
    HealthCheckService health, IOptions<HealthListenerOptions> options, ILogger<HealthEndpointListener> logger)
    : BackgroundService
{
    private HttpListener? _listener;

    /// <summary>Binds before the host reports started, so a health poll right after start cannot be refused.</summary>
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Port is { } port)
        {
            _listener = new HttpListener();
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            _listener.Start();
            logger.LogInformation("Health endpoints on http://127.0.0.1:{Port}{Health} and {Alive}", port,
                Extensions.HealthPath, Extensions.AlivePath);
        }
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _listener?.Close();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_listener is not { } listener)
            return;
        using var stop = stoppingToken.Register(listener.Stop);
        while (!stoppingToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            _ = RespondAsync(context, stoppingToken);
        }
    }

    private async Task RespondAsync(HttpListenerContext context, CancellationToken cancellationToken)
    {
        var response = context.Response;
        try
        {
            Func<HealthCheckRegistration, bool>? predicate = context.Request.Url?.AbsolutePath switch
            {
                Extensions.HealthPath => _ => true,
                Extensions.AlivePath => r => r.Tags.Contains(Extensions.LiveTag),
                _ => null,
            };
            if (predicate is null || context.Request.HttpMethod is not ("GET" or "HEAD"))
            {
                response.StatusCode = predicate is null ? 404 : 405;
                return;
            }
            var report = await health.CheckHealthAsync(predicate, cancellationToken);
            // Same mapping as ASP.NET Core's HealthCheckOptions.ResultStatusCodes.
            response.StatusCode = report.Status == HealthStatus.Unhealthy ? 503 : 200;
            response.ContentType = "text/plain";
            var body = Encoding.UTF8.GetBytes(report.Status.ToString());
            await response.OutputStream.WriteAsync(body, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpListenerException or OperationCanceledException or ObjectDisposedException)
        {
            // Client went away or the host is stopping: nothing to answer.
        }
        finally
        {
            try { response.Close(); } catch (ObjectDisposedException) { }
        }
    }
}

/// <summary>Registration of <see cref="HealthEndpointListener"/>.</summary>
public static class HealthListenerExtensions
{
    /// <summary>Adds the /health and /alive listener for non-web hosts; it listens only when <c>HEALTH_PORT</c>
    /// is set (validated at start: 1..65535).</summary>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder AddHealthEndpointListener<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<HealthListenerOptions>()
            .Configure<IConfiguration>((o, config) => o.Port = config.GetValue<int?>("HEALTH_PORT"))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddHostedService<HealthEndpointListener>();
        return builder;
    }
}
