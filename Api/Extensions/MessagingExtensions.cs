using MassTransit;

namespace FaceAspire.Api.Extensions;

/// <summary>MassTransit over RabbitMQ for the Api (a sender only: it hosts no consumers).</summary>
public static class MessagingExtensions
{
    /// <summary>
    /// Adds MassTransit on the broker named by <c>ConnectionStrings:messaging</c>
    /// (<c>amqp://user:pass@host:port/vhost</c>, as <c>infra/up.sh --env</c> prints it). MassTransit registers its
    /// bus health check with the tag "ready". The bus starts without waiting for the broker, so the Api serves
    /// (and accepts into the outbox) while RabbitMQ is down.
    /// </summary>
    /// <exception cref="InvalidOperationException">The connection string is missing or not an amqp URL.</exception>
    public static IHostApplicationBuilder AddMessaging(this IHostApplicationBuilder builder)
    {
        var url = builder.Configuration.GetConnectionString("messaging")
            ?? throw new InvalidOperationException("ConnectionStrings:messaging (amqp://user:pass@host:port/) is not configured.");
        var broker = AmqpUrl.Parse(url);
        builder.Services.AddMassTransit(x =>
        {
            x.SetKebabCaseEndpointNameFormatter();
            // Request clients of the worker's request/response consumers (queues named by the kebab-case formatter).
            x.AddRequestClient<Core.Contracts.AnalyzeMood>(new Uri("queue:analyze-mood"));
            x.AddRequestClient<Core.Contracts.IdentifyFaces>(new Uri("queue:identify-faces"));
            x.AddRequestClient<Core.Contracts.EnrolPerson>(new Uri("queue:enrol-person"));
            x.AddRequestClient<Core.Contracts.MakeThumbnail>(new Uri("queue:make-thumbnail"));
            x.UsingRabbitMq((context, cfg) =>
            {
                cfg.Host(broker.Host, broker.Port, broker.VirtualHost, h =>
                {
                    h.Username(broker.User);
                    h.Password(broker.Password);
                    h.ConnectionName("faceaspire-api");
                });
                cfg.ConfigureEndpoints(context);
            });
        });
        return builder;
    }
}

/// <summary>The parts of an <c>amqp://</c> URL.</summary>
/// <param name="Host">Host name or address.</param>
/// <param name="Port">TCP port (5672 when absent).</param>
/// <param name="VirtualHost">Virtual host ("/" when the path is empty).</param>
/// <param name="User">User name (guest when absent).</param>
/// <param name="Password">Password (guest when absent).</param>
public sealed record AmqpUrl(string Host, ushort Port, string VirtualHost, string User, string Password)
{
    /// <summary>Parses <c>amqp://user:pass@host:port/vhost</c> (user info and vhost percent-decoded).</summary>
    /// <exception cref="InvalidOperationException">Not an absolute amqp/rabbitmq URL.</exception>
    public static AmqpUrl Parse(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "rabbitmq"))
            throw new InvalidOperationException("ConnectionStrings:messaging must be an amqp://user:pass@host:port/ URL.");
        var info = uri.UserInfo.Split(':', 2);
        var user = info[0].Length > 0 ? Uri.UnescapeDataString(info[0]) : "guest";
        var password = info.Length > 1 ? Uri.UnescapeDataString(info[1]) : "guest";
        var path = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        return new AmqpUrl(uri.Host, (ushort)(uri.IsDefaultPort || uri.Port < 0 ? 5672 : uri.Port), path.Length == 0 ? "/" : path, user, password);
    }
}
