using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace FaceAspire.ServiceDefaults.Telemetry;

/// <summary>OpenTelemetry registration shared by every service (see <see cref="Extensions.AddServiceDefaults{TBuilder}"/>).</summary>
public static class TelemetryExtensions
{
    /// <summary>
    /// Adds tracing, metrics and logging through the OpenTelemetry 1.20 SDK: listens to
    /// <see cref="TelemetrySources.ActivitySources"/> and <see cref="TelemetrySources.Meters"/>, names the resource
    /// from <c>OTEL_SERVICE_NAME</c> (else the application name) and <c>OTEL_RESOURCE_ATTRIBUTES</c>
    /// (<c>service.instance.id=worker-1</c>; a random GUID when absent), and exports all three signals over OTLP
    /// only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is configured. Database spans without a parent (polling,
    /// probes) are not recorded (<see cref="RootDatabaseSpanFilter"/>). Protocol from <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>
    /// (<c>grpc</c> is the SDK default; <c>http/protobuf</c> posts to <c>{endpoint}/v1/traces</c> etc.).
    /// Every setting is read from <see cref="IHostApplicationBuilder.Configuration"/>, i.e. environment variables,
    /// command line or appsettings.
    /// </summary>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var config = builder.Configuration;
        var serviceName = config["OTEL_SERVICE_NAME"];
        var hasInstanceId = (config["OTEL_RESOURCE_ATTRIBUTES"] ?? "").Contains("service.instance.id=", StringComparison.Ordinal);
        var appName = builder.Environment.ApplicationName;

        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        var otel = new ServiceCollectionOpenTelemetryBuilder(builder.Services);
        // The default resource already reads OTEL_SERVICE_NAME/OTEL_RESOURCE_ATTRIBUTES; a later AddService
        // would override them, so it is only used for what is missing.
        otel.ConfigureResource(resource =>
        {
            if (string.IsNullOrWhiteSpace(serviceName))
                resource.AddService(appName, autoGenerateServiceInstanceId: !hasInstanceId);
            else if (!hasInstanceId)
                resource.AddAttributes([new("service.instance.id", Guid.NewGuid().ToString())]);
        });
        otel.WithTracing(tracing => tracing.AddSource([.. TelemetrySources.ActivitySources]).AddProcessor(new RootDatabaseSpanFilter()));
        otel.WithMetrics(metrics => metrics.AddMeter([.. TelemetrySources.Meters]));
        otel.WithLogging();

        if (!string.IsNullOrWhiteSpace(config["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            otel.UseOtlpExporter();
        return builder;
    }
}
