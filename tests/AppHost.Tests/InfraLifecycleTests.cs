using System.Globalization;
using System.Diagnostics;
using FaceAspire.Testing;

namespace FaceAspire.AppHost.Tests;

/// <summary>
/// infra/rabbitmq.sh on a private instance: starts and stops that overlap, as when an AppHost that was stopped
/// during start-up leaves its start running and the next AppHost or fixture starts the same instance. In the same
/// collection as <see cref="AppHostProcessTests"/> so that the two never boot brokers at the same time.
/// </summary>
[Collection(nameof(AppHostProcessTests))]
public sealed class InfraLifecycleTests
{
    private const string Instance = "racetest";

    [Fact]
    public async Task TwoOverlappingStartsOfOneInstanceGiveOneRunningBrokerThatStopsCleanly()
    {
        var root = AppHostProcess.RepositoryRoot;
        try
        {
            var first = ScriptRunner.TryRunAsync(root, Instance, "infra/rabbitmq.sh", "start");
            // The second start arrives while the first is launching its node (a boot takes ~10 s). Unserialised,
            // each saw no running node, two nodes raced for one distribution port, and the starts reported success
            // (or failure) for a broker that then did not answer: what the AppHost tests met in CI.
            await Task.Delay(TimeSpan.FromSeconds(0.3));
            var second = await ScriptRunner.TryRunAsync(root, Instance, "infra/rabbitmq.sh", "start");
            var firstResult = await first;
            Assert.True(firstResult.ExitCode == 0, firstResult.Stderr);
            Assert.True(second.ExitCode == 0, second.Stderr);
            // One launched the node; the other waited for it and found it running (which one goes first is up to the lock).
            Assert.Single(new[] { firstResult.Stderr, second.Stderr }, e => e.Contains("already running"));

            var status = await ScriptRunner.TryRunAsync(root, Instance, "infra/rabbitmq.sh", "status");
            Assert.True(status.ExitCode == 0, status.Stdout);
            var nodes = AppHostProcess.Pgrep(NodePattern()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Single(nodes);
        }
        finally
        {
            var down = await ScriptRunner.TryRunAsync(root, Instance, "infra/down.sh");
            Assert.True(down.ExitCode == 0, down.Stderr);
        }
        Assert.Equal("", AppHostProcess.Pgrep(NodePattern()));
    }

    [Fact]
    public async Task AStartWhoseListenerCannotBindFailsAndLeavesNoNodeForTheNextStart()
    {
        var root = AppHostProcess.RepositoryRoot;
        var amqp = int.Parse(AppHostProcess.InfraVariables(Instance, "AMQP_PORT")[0], CultureInfo.InvariantCulture);
        try
        {
            // An outgoing connection whose local end has the broker's port, as when the kernel picks it as an
            // ephemeral port: the connect probe sees nothing listening, and RabbitMQ's listener fails (eaddrinuse).
            // python3 (which infra/test.sh needs anyway) holds it: a .NET socket bound the same way did not block
            // RabbitMQ's bind here, while a plain BSD client socket, like the one in the failure, does.
            const string hold = "import socket,sys,time\n" +
                                "l=socket.socket(); l.bind(('127.0.0.1',0)); l.listen()\n" +
                                "s=socket.socket(); s.bind(('127.0.0.1',int(sys.argv[1]))); s.connect(l.getsockname())\n" +
                                "print('held', flush=True); time.sleep(300)";
            using (var holder = Process.Start(new ProcessStartInfo("python3", ["-c", hold, amqp.ToString(CultureInfo.InvariantCulture)])
                   { RedirectStandardOutput = true })!)
            {
                Assert.Equal("held", await holder.StandardOutput.ReadLineAsync());
                var failed = await ScriptRunner.TryRunAsync(root, Instance, "infra/rabbitmq.sh", "start");
                holder.Kill();
                Assert.NotEqual(0, failed.ExitCode);
                // Before, the Erlang VM outlived its failed rabbit application, and the next start took it for a
                // running broker ("already running") whose port refused every connection.
                Assert.Equal("", AppHostProcess.Pgrep(NodePattern()));
            }
            var started = await ScriptRunner.TryRunAsync(root, Instance, "infra/rabbitmq.sh", "start");
            Assert.True(started.ExitCode == 0, started.Stderr);
            Assert.DoesNotContain("already running", started.Stderr);
        }
        finally
        {
            var down = await ScriptRunner.TryRunAsync(root, Instance, "infra/down.sh");
            Assert.True(down.ExitCode == 0, down.Stderr);
        }
    }

    private static string NodePattern() => AppHostProcess.InfraProcessPatterns(Instance)[1];
}
