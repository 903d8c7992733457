using FaceAspire.ServiceDefaults.Logging;
using FaceAspire.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The defaults every FaceAspire service adds, in the shape of the Aspire template's ServiceDefaults
/// (eShop <c>src/eShop.ServiceDefaults/Extensions.cs</c>): OpenTelemetry, health checks, service discovery and the
/// standard HTTP resilience handler.
/// </summary>
public static class Extensions
{
    /// <summary>Health endpoint with every check: 200 "Healthy" when all pass, 503 otherwise.</summary>
    public const string HealthPath = "/health";

    /// <summary>Liveness endpoint: only checks tagged <see cref="LiveTag"/> (the process answers at all).</summary>
    public const string AlivePath = "/alive";

    /// <summary>Tag of liveness checks. Services tag their database and broker checks <see cref="ReadyTag"/>.</summary>
    public const string LiveTag = "live";

    /// <summary>Tag services give their database and broker checks.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Adds the default log levels (<see cref="LogLevelDefaults"/>), OpenTelemetry
    /// (<see cref="ConfigureOpenTelemetry{TBuilder}"/>), the default health checks, service discovery, and the
    /// standard resilience handler (retries with backoff, circuit breaker, timeouts) plus service discovery on every
    /// <c>HttpClient</c> from <c>IHttpClientFactory</c>.
    /// </summary>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddDefaultLogLevels();
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler();
            http.AddServiceDiscovery();
        });
        return builder;
    }

    /// <summary>
    /// Logs, metrics and traces through OpenTelemetry: ASP.NET Core, HttpClient, runtime and Npgsql instrumentation,
    /// MassTransit's and our own sources (<see cref="TelemetrySources"/>); health probes are not traced, nor database
    /// commands without a parent span (<see cref="RootDatabaseSpanFilter"/>). Exported over OTLP only when
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the AppHost sets it to the dashboard). The resource is named from
    /// <c>OTEL_SERVICE_NAME</c> and <c>OTEL_RESOURCE_ATTRIBUTES</c> (the AppHost gives each replica its own
    /// <c>service.instance.id</c>), else from the application name.
    /// </summary>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddMeter([.. TelemetrySources.Meters]))
            .WithTracing(tracing => tracing
                .AddSource(builder.Environment.ApplicationName)
                .AddSource([.. TelemetrySources.ActivitySources])
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsHealthProbe(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddProcessor(new RootDatabaseSpanFilter()));

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        return builder;
    }

    /// <summary>Adds the "self" liveness check (tagged <see cref="LiveTag"/>). Services add their own checks
    /// tagged <see cref="ReadyTag"/> with <c>builder.Services.AddHealthChecks().AddCheck(...)</c>.</summary>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    /// <summary>
    /// Maps <see cref="HealthPath"/> (all checks) and <see cref="AlivePath"/> (liveness only); both answer 200 with
    /// "Healthy"/"Degraded", or 503 with "Unhealthy". They need no credentials, so outside Development they answer
    /// only callers on the same machine (an orchestrator's probe, a container's health check) and 404 to anyone else:
    /// a health report names the database and broker checks, which is more than a stranger needs to know.
    /// </summary>
    /// <returns>The application, for chaining.</returns>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
            app.UseWhen(context => IsHealthProbe(context.Request.Path) && !IsLocal(context),
                branch => branch.Run(context =>
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    return Task.CompletedTask;
                }));
        app.MapHealthChecks(HealthPath);
        app.MapHealthChecks(AlivePath, new() { Predicate = r => r.Tags.Contains(LiveTag) });
        return app;
    }

    private static bool IsHealthProbe(PathString path) =>
        path.StartsWithSegments(HealthPath) || path.StartsWithSegments(AlivePath);

    private static bool IsLocal(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } remote && System.Net.IPAddress.IsLoopback(remote);
}
