using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace FaceAspire.Core.Messaging;

/// <summary>The bus and the outbox relay, as every FaceAspire service sets them up.</summary>
public static class MessagingExtensions
{
    /// <summary>
    /// Adds MassTransit over RabbitMQ on <c>ConnectionStrings:messaging</c> (<c>amqp://user:pass@host:port/vhost</c>,
    /// what the AppHost's <c>messaging</c> resource provides): kebab-case endpoint names, <paramref name="configure"/>'s
    /// consumers and request clients, every consumer's endpoint configured, and the bus health check as
    /// <c>messaging</c> (tag <c>ready</c>). The bus starts without waiting for the broker, so a service runs (and writes
    /// to the outbox) while RabbitMQ is down. Then <see cref="AddOutboxRelay"/>.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="configure">Consumers and request clients of this service, or null for a bus that only sends.</param>
    /// <exception cref="InvalidOperationException">The connection string is missing or not an absolute URL.</exception>
    public static IHostApplicationBuilder AddMessaging(this IHostApplicationBuilder builder, Action<IBusRegistrationConfigurator>? configure = null)
    {
        var url = builder.Configuration.GetConnectionString("messaging");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var broker))
            throw new InvalidOperationException("ConnectionStrings:messaging (amqp://user:pass@host:port/vhost) is not configured.");
        var connectionName = builder.Environment.ApplicationName;
        builder.Services.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            x.ConfigureHealthCheckOptions(h =>
            {
                h.Name = "messaging";
                h.Tags.Add("ready");
            });
            configure?.Invoke(x);
            x.UsingRabbitMq((context, cfg) =>
            {
                // The URL's user, password (percent-decoded) and virtual host are read by MassTransit.
                cfg.Host(broker, h => h.ConnectionName(connectionName));
                cfg.ConfigureEndpoints(context);
            });
        });
        return builder.AddOutboxRelay();
    }

    /// <summary>
    /// This process's share of relaying the outbox (ADR 0024): <see cref="OutboxOptions"/> (section <c>Outbox</c>,
    /// validated at start), the <see cref="OutboxSignal"/> its writers wake, and unless <c>Outbox:Enabled</c> is false the
    /// <see cref="OutboxRelay"/>, its <see cref="OutboxListener"/> and the <see cref="OutboxPruner"/>. Needs the data
    /// sources of Core's <c>AddFaceDb</c> and a MassTransit bus.
    /// </summary>
    public static IHostApplicationBuilder AddOutboxRelay(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<OutboxSignal>();
        if (builder.Configuration.GetValue(OutboxOptions.SectionName + ":" + nameof(OutboxOptions.Enabled), true))
        {
            services.AddHostedService<OutboxRelay>();
            services.AddHostedService<OutboxListener>();
            services.AddHostedService<OutboxPruner>();
        }
        return builder;
    }
}
