using System.Net;
using System.Net.Sockets;
using Npgsql;
using Testcontainers.PostgreSql;

namespace FaceAspire.Testing;

/// <summary>
/// A PostgreSQL+pgvector server in a container (<see cref="ContainerImages.Postgres"/>, through Testcontainers),
/// bound to a fixed loopback port so that a stop and start (an outage test) keeps its address. Tuned for tests unless
/// started durable: no fsync, no full-page writes (a crashed machine's test database is simply thrown away). Commits stay
/// synchronous, against the Testcontainers module's default: were the postmaster ever killed instead of shut down, an
/// asynchronous commit of its last moments would be lost although a worker had acknowledged its frame.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string Superuser = "postgres";
    private readonly PostgreSqlContainer _container;

    private PostgresServer(PostgreSqlContainer container, int port, string password)
    {
        _container = container;
        Port = port;
        SuperuserConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = port, Username = Superuser, Password = password, Database = "postgres",
        }.ConnectionString;
    }

    /// <summary>The host port (on 127.0.0.1) the server listens on.</summary>
    public int Port { get; }

    /// <summary>Connection string of the superuser, database <c>postgres</c>.</summary>
    public string SuperuserConnectionString { get; }

    /// <summary>Starts a new server; ready when it accepts connections (about 2 s with a local image).</summary>
    /// <param name="sharedBuffers">PostgreSQL's <c>shared_buffers</c>, e.g. <c>256MB</c>.</param>
    /// <param name="cpus">CPU set for the container (e.g. <c>1</c>), or null for every CPU.</param>
    /// <param name="durable">Keep PostgreSQL's defaults for fsync, synchronous commit and full-page writes, as the
    /// AppHost's server runs: for benches that time commits. Default false: tuned for tests.</param>
    /// <exception cref="Exception">The container engine is unreachable or the container did not become ready
    /// (Testcontainers' own exceptions; the message names the cause).</exception>
    public static async Task<PostgresServer> StartAsync(string sharedBuffers = "256MB", string? cpus = null, bool durable = false)
    {
        var port = FreePort();
        var password = Guid.NewGuid().ToString("N");
        string[] settings = ["-c", $"shared_buffers={sharedBuffers}", "-c", "max_connections=300"];
        if (!durable)
            settings = [.. settings, "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "synchronous_commit=on"];
        var builder = new PostgreSqlBuilder(ContainerImages.Postgres)
            .WithLabel(ContainerImages.RunLabel, ContainerImages.RunId)
            .WithUsername(Superuser)
            .WithPassword(password)
            .WithDatabase("postgres")
            .WithPortBinding(port, 5432)
            .WithCommand(settings);
        if (cpus is not null)
            builder = builder.WithCreateParameterModifier(p => p.HostConfig!.CpusetCpus = cpus);
        var container = builder.Build();
        await container.StartAsync();
        var server = new PostgresServer(container, port, password);
        DisposeAtExit(server);
        return server;
    }

    /// <summary>A connection string of the superuser to <paramref name="database"/>.</summary>
    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(SuperuserConnectionString) { Database = database }.ConnectionString;

    /// <summary>Runs <paramref name="statements"/> as the superuser in <paramref name="database"/>, each on its own
    /// (so CREATE/DROP DATABASE work); returns the first column of the last statement's rows, one per line.</summary>
    /// <exception cref="PostgresException">A statement failed.</exception>
    public async Task<string> RunSqlAsync(string database, params string[] statements)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        var lines = new List<string>();
        foreach (var sql in statements)
        {
            lines.Clear();
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                lines.Add(reader.IsDBNull(0) ? "" : Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        }
        return string.Join('\n', lines);
    }

    /// <summary>Stops the server for real, as a restart or failover does, runs <paramref name="whileDown"/>, and starts
    /// it again whatever happens; returns once it accepts connections.</summary>
    /// <remarks>The stop is PostgreSQL's fast shutdown (SIGINT to the postmaster, the container's first process):
    /// every session ends with 57P01 and the container exits once the shutdown checkpoint is written. The engine's own
    /// stop may kill the postmaster outright, which leaves clients a different mix of errors than a real restart.</remarks>
    public async Task WithStoppedAsync(Func<Task> whileDown)
    {
        try
        {
            await _container.ExecAsync(["bash", "-c", "kill -INT 1"]);
            await _container.GetExitCodeAsync().WaitAsync(TimeSpan.FromSeconds(60));
            await whileDown();
        }
        finally
        {
            await _container.StartAsync();
        }
    }

    /// <summary>Stops and removes the container (and its anonymous volume).</summary>
    public ValueTask DisposeAsync() => _container.DisposeAsync();

    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it).</summary>
    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Containers outlive a test process that never disposes them (no reaper runs here): remove them when
    /// the process exits normally. infra/test.sh also removes any left by a crashed run.</summary>
    internal static void DisposeAtExit(IAsyncDisposable resource) =>
        AppDomain.CurrentDomain.ProcessExit += (_, _) => resource.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(30));
}
