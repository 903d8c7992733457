namespace FaceAspire.Testing;

/// <summary>
/// A private RabbitMQ virtual host on a test broker (through <c>infra/rabbitmq.sh</c>): a fixture's queues and
/// consumers are its own, whatever other test classes run on the same broker. Create it, point the services at
/// <see cref="Url"/>, delete it when done.
/// </summary>
public sealed class RabbitMqVirtualHost
{
    private readonly string _repoRoot;

    private RabbitMqVirtualHost(string repoRoot, string instance, string name, string url)
    {
        _repoRoot = repoRoot;
        Instance = instance;
        Name = name;
        Url = url;
    }

    /// <summary>The infra instance whose broker holds the vhost.</summary>
    public string Instance { get; }

    /// <summary>The vhost's name.</summary>
    public string Name { get; }

    /// <summary>AMQP URL of the instance's user on this vhost, e.g. <c>amqp://user:pass@127.0.0.1:26673/v_x</c>.</summary>
    public string Url { get; }

    /// <summary>Adds vhost <paramref name="name"/> on <paramref name="instance"/>'s (running) broker, with full
    /// permissions for the instance's user.</summary>
    /// <exception cref="InvalidOperationException">A rabbitmqctl call failed (output attached).</exception>
    public static async Task<RabbitMqVirtualHost> CreateAsync(string repoRoot, string instance, string name)
    {
        var root = new Uri(await ScriptRunner.RunAsync(repoRoot, instance, "infra/rabbitmq.sh", "url"));
        var user = Uri.UnescapeDataString(root.UserInfo.Split(':')[0]);
        await RunCtlAsync(repoRoot, instance, "add_vhost", name);
        await RunCtlAsync(repoRoot, instance, "set_permissions", "-p", name, user, ".*", ".*", ".*");
        return new RabbitMqVirtualHost(repoRoot, instance, name, new UriBuilder(root) { Path = "/" + name }.Uri.ToString());
    }

    /// <summary><c>rabbitmqctl ARGS</c> against this vhost's broker; returns its output.</summary>
    /// <exception cref="InvalidOperationException">rabbitmqctl failed (output attached).</exception>
    public Task<string> CtlAsync(params string[] args) => RunCtlAsync(_repoRoot, Instance, args);

    /// <summary>Deletes the vhost, best effort: a broker already stopped (by a test, or at the end) takes it along.</summary>
    public async Task DeleteAsync()
    {
        try
        {
            await CtlAsync("delete_vhost", Name);
        }
        catch (InvalidOperationException)
        {
            // A leftover vhost holds nothing a later run reads; it dies with the test instance.
        }
    }

    // A distinct name: an overload CtlAsync(repoRoot, instance, params args) would also bind CtlAsync("a", "b").
    private static Task<string> RunCtlAsync(string repoRoot, string instance, params string[] args) =>
        ScriptRunner.RunAsync(repoRoot, instance, "infra/rabbitmq.sh", ["ctl", .. args]);
}
