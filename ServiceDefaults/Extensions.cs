using FaceAspire.ServiceDefaults.Health;
using FaceAspire.ServiceDefaults.Logging;
using FaceAspire.ServiceDefaults.Resilience;
using FaceAspire.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace FaceAspire.ServiceDefaults;

/// <summary>
/// Cross-cutting defaults every FaceAspire service adds, mirroring the ServiceDefaults project of an Aspire
/// solution: OpenTelemetry, health checks, HTTP client resilience and (for non-web hosts) a health listener.
/// </summary>
public static class Extensions
{
    /// <summary>Health endpoint with every check: 200 "Healthy" when all pass, 503 otherwise.</summary>
    public const string HealthPath = "/health";

    /// <summary>Liveness endpoint: only checks tagged <see cref="LiveTag"/> (the process answers at all).</summary>
    public const string AlivePath = "/alive";

    /// <summary>Tag of liveness checks. Readiness checks (database, broker) are tagged <see cref="ReadyTag"/>.</summary>
    public const string LiveTag = "live";

    /// <summary>Tag services give their database and broker checks.</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Adds the default log levels (<see cref="LogLevelDefaults"/>: no per-statement or per-request lines at
    /// Information), OpenTelemetry (<see cref="TelemetryExtensions.ConfigureOpenTelemetry{TBuilder}"/>; for web hosts also
    /// the server-span enrichment the missing ASP.NET Core instrumentation package would give), the default
    /// health checks, Polly retries for every <c>HttpClient</c> from <c>IHttpClientFactory</c>
    /// (<see cref="HttpResilienceExtensions.AddDefaultHttpResilience{TBuilder}"/>) and, when the builder is not a
    /// <see cref="WebApplicationBuilder"/>, an HttpListener serving /health and /alive on 127.0.0.1:<c>HEALTH_PORT</c>
    /// (<see cref="HealthEndpointListener"/>; nothing is opened when HEALTH_PORT is unset).
    /// </summary>
    /// <returns>The builder, for chaining.</returns>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">At host start when
    /// <c>HttpResilience</c> or <c>HEALTH_PORT</c> settings are out of range.</exception>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.AddDefaultLogLevels();
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.AddDefaultHttpResilience();
        if (builder is WebApplicationBuilder)
            builder.Services.AddTransient<IStartupFilter, ServerSpanEnricher>();
        else
            builder.AddHealthEndpointListener();
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

    /// <summary>Maps <see cref="HealthPath"/> (all checks) and <see cref="AlivePath"/> (liveness only).
    /// Both answer 200 with "Healthy"/"Degraded", or 503 with "Unhealthy".</summary>
    /// <returns>The application, for chaining.</returns>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthPath);
        app.MapHealthChecks(AlivePath, new() { Predicate = r => r.Tags.Contains(LiveTag) });
        return app;
    }
}
