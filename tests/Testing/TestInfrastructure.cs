namespace FaceAspire.Testing;

/// <summary>
/// The PostgreSQL+pgvector and RabbitMQ instance the integration tests use, one per test process, started through
/// the repository's <c>infra/</c> scripts. Get it with <see cref="GetAsync"/>.
/// <para>
/// Instance: <c>FACEASPIRE_INFRA_INSTANCE</c>, default <c>test</c> (PostgreSQL 127.0.0.1:26433, AMQP 26673).
/// If the instance is not running, <c>infra/up.sh</c> starts it and it is stopped again with
/// <c>infra/down.sh</c> when the test process exits — unless <c>FACEASPIRE_INFRA_STARTED=1</c> (set by
/// <c>infra/test.sh</c>, which owns the instance's life) or the instance was already running (a developer keeping
/// it up between runs): then it is left alone.
/// </para>
/// </summary>
public sealed class TestInfrastructure
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static TestInfrastructure? _shared;
    private string? _rabbitMqUrl;

    private TestInfrastructure(string repoRoot, string instance, bool startedHere, string owner, string app)
    {
        RepoRoot = repoRoot;
        Instance = instance;
        StartedHere = startedHere;
        OwnerConnectionString = owner;
        AppConnectionString = app;
    }

    /// <summary>The repository root (see <see cref="RepositoryRoot.Find"/>).</summary>
    public string RepoRoot { get; }
    /// <summary>The infra instance name.</summary>
    public string Instance { get; }
    /// <summary>True when this process started the instance and will stop it at exit.</summary>
    public bool StartedHere { get; }
    /// <summary>Npgsql connection string of the owner role, database <c>facedb</c> (<c>infra/postgres.sh url owner</c>).</summary>
    public string OwnerConnectionString { get; }
    /// <summary>Npgsql connection string of the app role, database <c>facedb</c> (<c>infra/postgres.sh url app</c>).</summary>
    public string AppConnectionString { get; }

    /// <summary>
    /// The shared instance, started on first use (takes ~1-10 s when it was down; later calls return at once).
    /// </summary>
    /// <param name="requireRabbitMq">Also require RabbitMQ to be running (PostgreSQL is always required).</param>
    /// <exception cref="InvalidOperationException">An infra script failed.</exception>
    public static async Task<TestInfrastructure> GetAsync(bool requireRabbitMq = false)
    {
        await Gate.WaitAsync();
        try
        {
            if (_shared is null)
                _shared = await StartAsync(requireRabbitMq);
            else if (requireRabbitMq && !await _shared.RabbitMqRunningAsync())
                await ScriptRunner.RunAsync(_shared.RepoRoot, _shared.Instance, "infra/up.sh");
            return _shared;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>The AMQP URL (<c>infra/rabbitmq.sh url</c>), e.g. <c>amqp://user:pass@127.0.0.1:26673/</c>.</summary>
    public async Task<string> GetRabbitMqUrlAsync() =>
        _rabbitMqUrl ??= await ScriptRunner.RunAsync(RepoRoot, Instance, "infra/rabbitmq.sh", "url");

    /// <summary>
    /// Runs SQL as the PostgreSQL superuser (over the instance's private unix socket, via
    /// <c>infra/postgres.sh psql</c>) in <paramref name="database"/>; each statement is its own <c>-c</c>, so
    /// statements that refuse transaction blocks (CREATE/DROP DATABASE) work. Returns psql's unaligned output.
    /// </summary>
    public Task<string> RunSuperuserSqlAsync(string database, params string[] statements)
    {
        var args = new List<string> { "psql", "-d", database, "-v", "ON_ERROR_STOP=1", "-q", "-tA" };
        foreach (var s in statements)
        {
            args.Add("-c");
            args.Add(s);
        }
        return ScriptRunner.RunAsync(RepoRoot, Instance, "infra/postgres.sh", [.. args]);
    }

    private async Task<bool> RabbitMqRunningAsync() =>
        File.Exists(Path.Combine(RepoRoot, "infra/rabbitmq.sh"))
        && (await ScriptRunner.TryRunAsync(RepoRoot, Instance, "infra/rabbitmq.sh", "status")).ExitCode == 0;

    private static async Task<TestInfrastructure> StartAsync(bool requireRabbitMq)
    {
        var root = RepositoryRoot.Find();
        var instance = Environment.GetEnvironmentVariable("FACEASPIRE_INFRA_INSTANCE") is { Length: > 0 } i ? i : "test";
        var pgUp = (await ScriptRunner.TryRunAsync(root, instance, "infra/postgres.sh", "status")).ExitCode == 0;
        var probe = new TestInfrastructure(root, instance, false, "", "");
        var rabbitUp = !requireRabbitMq || await probe.RabbitMqRunningAsync();
        var startedHere = false;
        if (!pgUp || !rabbitUp)
        {
            // up.sh starts both services; a checkout without it (older branches) can still start PostgreSQL.
            if (File.Exists(Path.Combine(root, "infra/up.sh")))
                await ScriptRunner.RunAsync(root, instance, "infra/up.sh");
            else
                await ScriptRunner.RunAsync(root, instance, "infra/postgres.sh", "start");
            startedHere = Environment.GetEnvironmentVariable("FACEASPIRE_INFRA_STARTED") != "1";
        }
        var infra = new TestInfrastructure(root, instance, startedHere,
            await ScriptRunner.RunAsync(root, instance, "infra/postgres.sh", "url", "owner"),
            await ScriptRunner.RunAsync(root, instance, "infra/postgres.sh", "url", "app"));
        if (startedHere)
            AppDomain.CurrentDomain.ProcessExit += (_, _) => infra.Stop();
        return infra;
    }

    private void Stop()
    {
        var script = File.Exists(Path.Combine(RepoRoot, "infra/down.sh")) ? "infra/down.sh" : "infra/postgres.sh";
        string[] args = script == "infra/down.sh" ? [] : ["stop"];
        ScriptRunner.TryRunAsync(RepoRoot, Instance, script, args).GetAwaiter().GetResult();
    }
}
