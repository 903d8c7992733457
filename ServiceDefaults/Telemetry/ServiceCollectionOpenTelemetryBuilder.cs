using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;

namespace FaceAspire.ServiceDefaults.Telemetry;

/// <summary>
/// The one piece of OpenTelemetry.Extensions.Hosting we need (that package is not in this registry): an
/// <see cref="IOpenTelemetryBuilder"/> over the host's service collection. The SDK's own
/// <c>WithTracing/WithMetrics/WithLogging</c> then register the providers as DI singletons that read
/// OTEL_* settings from the host's <c>IConfiguration</c>; <see cref="TelemetryHostedService"/> creates them
/// at start and flushes them at stop.
/// </summary>
internal sealed class ServiceCollectionOpenTelemetryBuilder : IOpenTelemetryBuilder
{
    public ServiceCollectionOpenTelemetryBuilder(IServiceCollection services)
    {
        Services = services;
        // Registered first so it starts before other hosted services and stops (flushes) after them.
        services.Insert(0, ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, TelemetryHostedService>());
    }

    public IServiceCollection Services { get; }
}
