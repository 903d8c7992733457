using System.Text;
using Testcontainers.RabbitMq;

namespace FaceAspire.Testing;

/// <summary>
/// A RabbitMQ broker with the management plugin in a container (<see cref="ContainerImages.RabbitMq"/>, through
/// Testcontainers), bound to fixed loopback ports so that a stop and start (an outage test) keeps its address.
/// </summary>
public sealed class RabbitMqBroker : IAsyncDisposable
{
    private const string User = "faceaspire";
    private readonly RabbitMqContainer _container;

    private RabbitMqBroker(RabbitMqContainer container, string password, int amqpPort, int managementPort)
    {
        _container = container;
        Url = $"amqp://{User}:{password}@127.0.0.1:{amqpPort}/";
        ManagementUrl = $"http://127.0.0.1:{managementPort}/";
    }

    /// <summary>AMQP URL of the default vhost, e.g. <c>amqp://faceaspire:…@127.0.0.1:41234/</c>.</summary>
    public string Url { get; }

    /// <summary>The management HTTP API's base URL, e.g. <c>http://127.0.0.1:41235/</c> (same user).</summary>
    public string ManagementUrl { get; }

    /// <summary>Starts a new broker; ready when it logs that the server started (about 5 s).</summary>
    /// <param name="cpus">CPU set for the container (e.g. <c>1</c>), or null for every CPU.</param>
    /// <exception cref="Exception">The container engine is unreachable or the broker did not start (Testcontainers' own exceptions).</exception>
    public static async Task<RabbitMqBroker> StartAsync(string? cpus = null)
    {
        var (amqp, management) = (PostgresServer.FreePort(), PostgresServer.FreePort());
        var password = Guid.NewGuid().ToString("N");
        var builder = new RabbitMqBuilder(ContainerImages.RabbitMq)
            .WithLabel(ContainerImages.RunLabel, ContainerImages.RunId)
            .WithUsername(User)
            .WithPassword(password)
            .WithPortBinding(amqp, 5672)
            .WithPortBinding(management, 15672);
        if (cpus is not null)
            builder = builder.WithCreateParameterModifier(p => p.HostConfig!.CpusetCpus = cpus);
        var container = builder.Build();
        await container.StartAsync();
        var broker = new RabbitMqBroker(container, password, amqp, management);
        PostgresServer.DisposeAtExit(broker);
        return broker;
    }

    /// <summary>Runs <c>rabbitmqctl ARGS</c> in the container; returns its output.</summary>
    /// <exception cref="InvalidOperationException">rabbitmqctl failed (its output attached).</exception>
    public async Task<string> CtlAsync(params string[] args)
    {
        var result = await _container.ExecAsync(["rabbitmqctl", .. args]);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', args)} exited {result.ExitCode}:\n{result.Stderr}{result.Stdout}");
        return result.Stdout;
    }

    /// <summary>Stops the broker for real, runs <paramref name="whileDown"/>, and starts it again whatever happens.</summary>
    public async Task WithStoppedAsync(Func<Task> whileDown)
    {
        try
        {
            await StopAsync();
            await whileDown();
        }
        finally
        {
            await StartAsync();
        }
    }

    /// <summary>Stops the container (connections drop; queues on its volume survive).</summary>
    public Task StopAsync() => _container.StopAsync();

    /// <summary>Starts the stopped container again and waits until it logs that the server started.</summary>
    public Task StartAsync() => _container.StartAsync();

    /// <summary>Stops and removes the container.</summary>
    public ValueTask DisposeAsync() => _container.DisposeAsync();

    /// <summary>Basic-auth header value of the broker's user, for the management API.</summary>
    public string BasicAuth
    {
        get
        {
            var userInfo = new Uri(Url).UserInfo;
            return Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(userInfo)));
        }
    }
}
