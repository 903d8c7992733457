using System.Globalization;
using FaceAspire.Core.Data.Entities;
using FaceAspire.Testing;

namespace FaceAspire.Bench.Chaos;

/// <summary>
/// The whole pipeline as separate real processes, so that each part can fail on its own: PostgreSQL+pgvector and
/// RabbitMQ containers (tests/Testing's <see cref="TestInfrastructure"/>, durable PostgreSQL as the AppHost runs it), a
/// fresh migrated database, the Api on a fixed loopback port (so a restarted Api keeps its address), and N workers.
/// RabbitMQ's consumer timeout on <c>analyze-frame</c> is set short by a policy (<c>consumer-timeout</c>), and the
/// workers wait out a database outage for less than it (<c>Worker:DatabaseOutageWaitSeconds</c>).
/// </summary>
internal sealed class ChaosSystem : IAsyncDisposable
{
    private readonly PostgresDatabaseFixture _database;
    private readonly RabbitMqBroker _broker;
    private readonly Dictionary<string, string> _environment;
    private readonly Dictionary<string, string> _apiEnvironment;
    private readonly List<ServiceProcess> _retired = [];
    private int _workersStarted;

    private ChaosSystem(PostgresDatabaseFixture database, RabbitMqBroker broker, Dictionary<string, string> environment,
        Dictionary<string, string> apiEnvironment, string apiUrl, string key, string logDir)
    {
        _database = database;
        _broker = broker;
        _environment = environment;
        _apiEnvironment = apiEnvironment;
        ApiUrl = apiUrl;
        Key = key;
        LogDir = logDir;
    }

    /// <summary>The Api's base URL, <c>http://127.0.0.1:PORT/</c>; the same after a restart.</summary>
    public string ApiUrl { get; }

    /// <summary>The API key the Api was started with.</summary>
    public string Key { get; }

    /// <summary>Folder of the services' log files.</summary>
    public string LogDir { get; }

    /// <summary>The running Api process.</summary>
    public ServiceProcess Api { get; private set; } = null!;

    /// <summary>The running workers (a killed one is replaced in place).</summary>
    public List<ServiceProcess> Workers { get; } = [];

    /// <summary>The database (app role pool for the audit queries).</summary>
    public PostgresDatabaseFixture Database => _database;

    /// <summary>The broker (management API for the error queues).</summary>
    public RabbitMqBroker Broker => _broker;

    /// <summary>Starts everything and waits until the Api listens and every worker's bus runs.</summary>
    /// <param name="settings">Worker count and concurrency, consumer timeout, rate limit.</param>
    /// <exception cref="TimeoutException">A service did not start (its output is in the message).</exception>
    public static async Task<ChaosSystem> StartAsync(ChaosSettings settings)
    {
        TestInfrastructure.DurablePostgres = true;
        var database = new PostgresDatabaseFixture();
        await database.InitializeAsync();
        var broker = (await TestInfrastructure.GetAsync(requireRabbitMq: true)).RabbitMq;
        // RabbitMQ closes the channel of a consumer that holds a delivery unacknowledged this long, and delivers it again.
        await broker.CtlAsync("set_policy", "chaos-consumer-timeout", "^analyze-frame$",
            $$"""{"consumer-timeout":{{settings.ConsumerTimeoutSeconds * 1000}}}""", "--apply-to", "queues");
        string Invariant(int n) => n.ToString(CultureInfo.InvariantCulture);
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__facedb"] = database.AppConnectionString,
            ["ConnectionStrings__messaging"] = broker.Url,
            ["Worker__Concurrency"] = Invariant(settings.WorkerConcurrency),
            ["Worker__DatabaseOutageWaitSeconds"] = Invariant(Math.Max(1, settings.ConsumerTimeoutSeconds * 2 / 3)),
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
            ["Logging__LogLevel__Microsoft.EntityFrameworkCore"] = "Warning",
            // MassTransit says at Debug when a consumer's channel is shut down (e.g. by the consumer timeout) and restarted.
            ["Logging__LogLevel__MassTransit"] = "Debug",
        };
        var key = ApiKey.Generate();
        var apiEnvironment = new Dictionary<string, string>(environment)
        {
            ["Api__BootstrapApiKey"] = key,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{ServiceProcess.FreeLoopbackPort()}",
            ["RateLimiting__PerKeyPerSecond"] = Invariant(settings.KeyRateLimit),
            ["RateLimiting__PerKeyBurst"] = Invariant(settings.KeyRateLimit),
        };
        var logDir = Path.Combine(RepositoryRoot.Find(), "artifacts", "chaos", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));
        var system = new ChaosSystem(database, broker, environment, apiEnvironment, apiEnvironment["ASPNETCORE_URLS"] + "/", key, logDir);
        try
        {
            await system.StartApiAsync();
            for (var i = 0; i < settings.Workers; i++)
                system.Workers.Add(await system.StartWorkerAsync());
            return system;
        }
        catch
        {
            // A process that started must not outlive the failed run.
            await system.DisposeAsync();
            throw;
        }
    }

    /// <summary>Fault 1: SIGKILL to worker <paramref name="index"/>, and a replacement started as an orchestrator would.</summary>
    public async Task<string> KillWorkerAsync(int index)
    {
        var victim = Workers[index];
        victim.Kill();
        _retired.Add(victim);
        Workers[index] = await StartWorkerAsync();
        return $"SIGKILL {victim.Name} (pid {victim.Pid}); started {Workers[index].Name}";
    }

    /// <summary>Fault 2: RabbitMQ stopped (connections drop, durable queues survive) and started again.</summary>
    public async Task<string> RestartBrokerAsync()
    {
        await _broker.StopAsync();
        await _broker.StartAsync();
        return "RabbitMQ stopped and started";
    }

    /// <summary>Fault 3: PostgreSQL's fast shutdown (every session ends) and a start; returns once it accepts connections.</summary>
    public async Task<string> RestartPostgresAsync()
    {
        await _database.Infrastructure.Postgres.WithStoppedAsync(() => Task.CompletedTask);
        _database.AppDataSource.Clear();
        _database.OwnerDataSource.Clear();
        return "PostgreSQL stopped (fast shutdown) and started";
    }

    /// <summary>Fault 4: SIGKILL to the Api, and a new Api on the same port.</summary>
    public async Task<string> RestartApiAsync()
    {
        var old = Api;
        old.Kill();
        _retired.Add(old);
        await StartApiAsync();
        return $"SIGKILL api (pid {old.Pid}); started {Api.Name} on the same port";
    }

    /// <summary>
    /// Fault 5: SIGSTOP to worker <paramref name="index"/> until the broker has closed its <c>analyze-frame</c> consumer
    /// for holding deliveries past the consumer timeout (at most <paramref name="longest"/>), then SIGCONT.
    /// </summary>
    public async Task<string> PauseWorkerAsync(int index, ChaosBroker management, TimeSpan longest)
    {
        var worker = Workers[index];
        // Every worker consuming first (after the earlier faults one may still be reconnecting), so the paused one
        // holds deliveries the timeout can take from it.
        var before = await management.ConsumerCountAsync();
        for (var wait = 0; before < Workers.Count && wait < 60; wait++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            before = await management.ConsumerCountAsync();
        }
        worker.Suspend();
        var paused = System.Diagnostics.Stopwatch.StartNew();
        int now;
        do
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            now = await management.ConsumerCountAsync();
        }
        while (now >= before && paused.Elapsed < longest);
        var stopped = paused.Elapsed;
        worker.Resume();
        // Back to as many consumers as before: the resumed worker consumes again (MassTransit reopened its channel).
        var resumed = System.Diagnostics.Stopwatch.StartNew();
        var after = now;
        while (after < before && resumed.Elapsed < longest && !worker.HasExited)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            after = await management.ConsumerCountAsync();
        }
        var outcome = worker.HasExited ? $"it EXITED with {worker.ExitCode}" : $"consumers {after} after {resumed.Elapsed.TotalSeconds:0} s";
        return string.Create(CultureInfo.InvariantCulture,
            $"SIGSTOP {worker.Name} for {stopped.TotalSeconds:0} s (analyze-frame consumers {before} → {now}: {(now < before ? "the broker's consumer timeout closed its channel" : "NOT timed out")}); SIGCONT; {outcome}");
    }

    /// <summary>Processes that ended although nobody killed them: name and exit code.</summary>
    public IEnumerable<string> Exited => Workers.Append(Api).Where(p => p.HasExited).Select(p => $"{p.Name} exited with {p.ExitCode}");

    /// <summary>Every service process's output so far (for failure messages and counting log lines).</summary>
    public IEnumerable<ServiceProcess> AllProcesses => _retired.Concat(Workers).Append(Api).OfType<ServiceProcess>();

    /// <summary>Kills every process and drops the database (the containers go when this process exits).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var process in AllProcesses)
            await process.DisposeAsync();
        await _database.DisposeAsync();
    }

    private async Task StartApiAsync()
    {
        var name = Api is null ? "api" : $"api-{_retired.Count(p => p.Name.StartsWith("api", StringComparison.Ordinal)) + 1}";
        Api = await PipelineProcesses.StartAsync(new ServiceProcessOptions("Api")
        {
            Name = name,
            Environment = [.. PipelineProcesses.ServiceDefaults, .. _apiEnvironment],
            LogFile = Path.Combine(LogDir, name + ".log"),
            OwnSession = true,
        }, PipelineProcesses.ApiReady);
    }

    private Task<ServiceProcess> StartWorkerAsync()
    {
        var name = "worker-" + (char)('a' + _workersStarted++);
        return PipelineProcesses.StartAsync(PipelineProcesses.WorkerOptions(name, _environment) with
        {
            LogFile = Path.Combine(LogDir, name + ".log"),
            OwnSession = true,
        }, PipelineProcesses.WorkerReady);
    }
}
