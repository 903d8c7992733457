namespace FaceAspire.Testing;

/// <summary>
/// The PostgreSQL+pgvector server and RabbitMQ broker one test process (one test assembly) shares: containers
/// started on first use (<see cref="PostgresServer"/>, <see cref="RabbitMqBroker"/>), removed when the process exits.
/// Test classes isolate themselves on it with a database (<see cref="PostgresDatabaseFixture"/>) and a vhost
/// (<see cref="RabbitMqVirtualHost"/>) of their own. Get it with <see cref="GetAsync"/>.
/// </summary>
public sealed class TestInfrastructure
{
    /// <summary>The role the services connect as, created in every test database by the migrator.</summary>
    public const string AppRole = "faceaspire_app";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static TestInfrastructure? _shared;
    private RabbitMqBroker? _rabbitMq;

    private TestInfrastructure(string repoRoot, PostgresServer postgres)
    {
        RepoRoot = repoRoot;
        Postgres = postgres;
    }

    /// <summary>The repository root (see <see cref="RepositoryRoot.Find"/>).</summary>
    public string RepoRoot { get; }

    /// <summary>The shared PostgreSQL server.</summary>
    public PostgresServer Postgres { get; }

    /// <summary>The shared broker (after <see cref="GetAsync"/> with <c>requireRabbitMq</c>).</summary>
    /// <exception cref="InvalidOperationException">No test of this process asked for the broker yet.</exception>
    public RabbitMqBroker RabbitMq => _rabbitMq ?? throw new InvalidOperationException("Call TestInfrastructure.GetAsync(requireRabbitMq: true) first.");

    /// <summary>Password of <see cref="AppRole"/> in this process's server (random per run).</summary>
    public string AppPassword { get; } = "app_" + Guid.NewGuid().ToString("N");

    /// <summary>The CPU set (e.g. <c>1</c>) the containers are created on, or null for every CPU. Set it before the first
    /// <see cref="GetAsync"/>: the end-to-end bench's <c>--pin</c> gives the servers a core of their own.</summary>
    public static string? ContainerCpus { get; set; }

    /// <summary>Whether PostgreSQL keeps its durable defaults (<see cref="PostgresServer.StartAsync"/>'s
    /// <c>durable</c>). Set it before the first <see cref="GetAsync"/>: the ingest bench times commits as the AppHost's
    /// server makes them.</summary>
    public static bool DurablePostgres { get; set; }

    /// <summary>
    /// The shared infrastructure; starts PostgreSQL on the first call (about 2 s) and RabbitMQ on the first call
    /// that requires it (about 5 s). Later calls return at once.
    /// </summary>
    /// <param name="requireRabbitMq">Also start the broker.</param>
    public static async Task<TestInfrastructure> GetAsync(bool requireRabbitMq = false)
    {
        await Gate.WaitAsync();
        try
        {
            _shared ??= new TestInfrastructure(RepositoryRoot.Find(), await PostgresServer.StartAsync(cpus: ContainerCpus, durable: DurablePostgres));
            if (requireRabbitMq)
                _shared._rabbitMq ??= await RabbitMqBroker.StartAsync(ContainerCpus);
            return _shared;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Runs SQL as the superuser in <paramref name="database"/> (see <see cref="PostgresServer.RunSqlAsync"/>).</summary>
    public Task<string> RunSuperuserSqlAsync(string database, params string[] statements) =>
        Postgres.RunSqlAsync(database, statements);
}
