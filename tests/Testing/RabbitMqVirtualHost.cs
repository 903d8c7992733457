namespace FaceAspire.Testing;

/// <summary>
/// A private RabbitMQ virtual host on a test broker: a fixture's queues and consumers are its own, whatever other
/// test classes run on the same broker. Create it, point the services at <see cref="Url"/>, delete it when done.
/// </summary>
public sealed class RabbitMqVirtualHost
{
    private RabbitMqVirtualHost(RabbitMqBroker broker, string name, string url)
    {
        Broker = broker;
        Name = name;
        Url = url;
    }

    /// <summary>The broker that holds the vhost.</summary>
    public RabbitMqBroker Broker { get; }

    /// <summary>The vhost's name.</summary>
    public string Name { get; }

    /// <summary>AMQP URL of the broker's user on this vhost, e.g. <c>amqp://user:pass@127.0.0.1:41234/v_x</c>.</summary>
    public string Url { get; }

    /// <summary>Adds vhost <paramref name="name"/> on <paramref name="broker"/>, with full permissions for its user.</summary>
    /// <exception cref="InvalidOperationException">A rabbitmqctl call failed (output attached).</exception>
    public static async Task<RabbitMqVirtualHost> CreateAsync(RabbitMqBroker broker, string name)
    {
        var root = new Uri(broker.Url);
        var user = Uri.UnescapeDataString(root.UserInfo.Split(':')[0]);
        await broker.CtlAsync("add_vhost", name);
        await broker.CtlAsync("set_permissions", "-p", name, user, ".*", ".*", ".*");
        return new RabbitMqVirtualHost(broker, name, new UriBuilder(root) { Path = "/" + name }.Uri.ToString());
    }

    /// <summary><c>rabbitmqctl ARGS</c> against this vhost's broker; returns its output.</summary>
    /// <exception cref="InvalidOperationException">rabbitmqctl failed (output attached).</exception>
    public Task<string> CtlAsync(params string[] args) => Broker.CtlAsync(args);

    /// <summary>Deletes the vhost, best effort: a broker already stopped (by a test, or at the end) takes it along.</summary>
    public async Task DeleteAsync()
    {
        try
        {
            await CtlAsync("delete_vhost", Name);
        }
        catch (InvalidOperationException)
        {
            // A leftover vhost holds nothing a later run reads; it dies with the container.
        }
    }
}
