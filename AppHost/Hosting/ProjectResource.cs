using System.Net;
using System.Net.Sockets;

namespace FaceAspire.AppHost.Hosting;

/// <summary>
/// A .NET project of this repository run as <c>dotnet {dir}/bin/{cfg}/net10.0/FaceAspire.{dir}.dll {args}</c>,
/// one process per replica, each on its own loopback port: ASP.NET Core projects (Sdk.Web) get
/// <c>ASPNETCORE_URLS=http://127.0.0.1:{port}</c>, generic hosts get <c>HEALTH_PORT={port}</c> (ServiceDefaults'
/// health listener). Healthy = GET /health answers 200. A replica that exits unexpectedly is restarted after
/// 1 s, 2 s, 4 s ... at most 30 s (reset after 30 s of healthy running); run-to-completion projects are not.
/// </summary>
public sealed class ProjectResource : Resource
{
    internal static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly List<ResourceInstance> _instances = [];
    private readonly List<int> _ports = [];
    private readonly List<ProcessRunner?> _runners = [];
    private int _healthyReplicas;

    internal ProjectResource(string name, string projectDirectory, string[] args, string repositoryRoot) : base(name)
    {
        ProjectDirectory = projectDirectory;
        Args = args;
        var csproj = Path.Combine(repositoryRoot, projectDirectory, projectDirectory + ".csproj");
        if (!File.Exists(csproj))
            throw new FileNotFoundException($"Project '{name}': {csproj} not found.", csproj);
        ProjectFile = csproj;
        IsWeb = File.ReadAllText(csproj).Contains("Microsoft.NET.Sdk.Web", StringComparison.Ordinal);
        Replicas = 1;
    }

    /// <summary>Folder name under the repository root, e.g. "Api" (assembly FaceAspire.Api).</summary>
    public string ProjectDirectory { get; }

    /// <summary>Full path of the .csproj.</summary>
    public string ProjectFile { get; }

    /// <summary>Command-line arguments, e.g. ["migrate"].</summary>
    public IReadOnlyList<string> Args { get; }

    /// <summary>True for ASP.NET Core projects (Microsoft.NET.Sdk.Web).</summary>
    public bool IsWeb { get; }

    /// <summary>Number of processes, 1..16.</summary>
    public int Replicas { get; internal set; }

    /// <summary>http://127.0.0.1:{port} of the first replica (ports are chosen when the application is built).</summary>
    public string Url => $"http://127.0.0.1:{_ports[0]}";

    internal Dictionary<string, Func<CancellationToken, Task<string>>> Environment { get; } = [];

    internal override IReadOnlyList<ResourceInstance> Instances => _instances;

    /// <summary>Creates the table rows and reserves one free loopback port per replica.</summary>
    internal void Allocate()
    {
        for (var i = 1; i <= Replicas; i++)
        {
            _instances.Add(new ResourceInstance(Replicas == 1 ? Name : $"{Name}-{i}", Name));
            _ports.Add(FreePort());
            _runners.Add(null);
        }
        if (IsWeb && !RunsToCompletion) _instances[0].Url = Url;
    }

    /// <summary>Ports handed out by this process: the OS may offer a port again once its probe socket is closed.</summary>
    private static readonly HashSet<int> Handed = [];

    private static int FreePort()
    {
        // Each probe is closed before the service binds, so two resources could be offered the same port (seen:
        // the Api and the Admin both got one, and the Admin crash-looped on "address already in use").
        lock (Handed)
        {
            while (true)
            {
                using var socket = new TcpListener(IPAddress.Loopback, 0);
                socket.Start();
                var port = ((IPEndPoint)socket.LocalEndpoint).Port;
                if (Handed.Add(port))
                    return port;
            }
        }
    }

    internal string DllPath(string configuration) =>
        Path.Combine(Path.GetDirectoryName(ProjectFile)!, "bin", configuration, "net10.0", $"FaceAspire.{ProjectDirectory}.dll");

    internal override async Task StartAsync(OrchestratorContext context, CancellationToken cancellationToken)
    {
        await context.Build.WaitAsync(cancellationToken);
        var supervisors = Enumerable.Range(0, Replicas).Select(i => SuperviseAsync(i, context)).ToList();
        // Ready/Completed are signalled by the supervisors; this task only has to surface their crashes.
        await Task.WhenAll(supervisors);
    }

    /// <summary>The exact environment of replica <paramref name="index"/> (beyond what it inherits).</summary>
    internal async Task<Dictionary<string, string>> BuildEnvironmentAsync(int index, OrchestratorContext context, CancellationToken ct)
    {
        var env = new Dictionary<string, string>
        {
            ["DOTNET_ENVIRONMENT"] = context.EnvironmentName,
            ["ASPNETCORE_ENVIRONMENT"] = context.EnvironmentName,
            ["OTEL_SERVICE_NAME"] = Name,
            ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={_instances[index].Name}",
            // One line per log entry, so the [name] prefix and the log file stay readable.
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
        };
        foreach (var (key, value) in context.TelemetryEnvironment) env[key] = value;
        if (IsWeb) env["ASPNETCORE_URLS"] = $"http://127.0.0.1:{_ports[index]}";
        else env["HEALTH_PORT"] = _ports[index].ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (key, value) in Environment) env[key] = await value(ct);
        return env;
    }

    private async Task SuperviseAsync(int index, OrchestratorContext context)
    {
        var instance = _instances[index];
        var backoff = TimeSpan.FromSeconds(1);
        var url = $"http://127.0.0.1:{_ports[index]}";
        while (!context.Stopping.IsCancellationRequested)
        {
            var env = await BuildEnvironmentAsync(index, context, context.Stopping);
            ProcessRunner runner;
            try
            {
                runner = ProcessRunner.Start(instance.Name, "dotnet", [DllPath(context.Options.Configuration), .. Args],
                    Path.GetDirectoryName(ProjectFile)!, env, context);
            }
            catch (Exception ex)
            {
                Fail(new InvalidOperationException($"{instance.Name} did not start: {ex.Message}", ex));
                return;
            }
            _runners[index] = runner;
            instance.Set(ResourceState.Starting, runner.Pid);
            var started = DateTimeOffset.UtcNow;
            DateTimeOffset? healthySince = null;
            var exit = runner.WaitForExitAsync();
            if (!RunsToCompletion)
            {
                _ = Task.Run(async () =>
                {
                    if (!await HealthWaiter.WaitHealthyAsync(url, () => !exit.IsCompleted, context.Stopping)) return;
                    healthySince = DateTimeOffset.UtcNow;
                    instance.Set(ResourceState.Running, runner.Pid);
                    if (Interlocked.Increment(ref _healthyReplicas) == Replicas) Ready.TrySetResult();
                });
            }
            var code = await exit;
            if (context.Stopping.IsCancellationRequested)
                return; // StopAsync owns the runner from here
            _runners[index] = null;
            runner.Dispose();
            if (RunsToCompletion)
            {
                if (code == 0)
                {
                    instance.Set(ResourceState.Finished, exitCode: 0, message: $"in {(DateTimeOffset.UtcNow - started).TotalSeconds:0.0} s");
                    Completed.TrySetResult();
                    Ready.TrySetResult();
                }
                else
                {
                    instance.Set(ResourceState.FailedToStart, exitCode: code, message: $"exited with code {code}");
                    Fail(new InvalidOperationException($"{instance.Name} exited with code {code} (log: {context.LogPath(instance.Name)})"));
                }
                return;
            }
            if (healthySince is { } since && DateTimeOffset.UtcNow - since > MaxBackoff)
                backoff = TimeSpan.FromSeconds(1);
            instance.Set(ResourceState.Restarting, exitCode: code, restarted: true,
                message: $"exited with code {code}; restart in {backoff.TotalSeconds:0} s");
            try
            {
                await Task.Delay(backoff, context.Stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    internal override async Task StopAsync(OrchestratorContext context)
    {
        await Task.WhenAll(Enumerable.Range(0, Replicas).Select(async i =>
        {
            if (_runners[i] is not { } runner)
            {
                if (_instances[i].State is not (ResourceState.Finished or ResourceState.FailedToStart))
                    _instances[i].Set(ResourceState.Stopped);
                return;
            }
            try
            {
                _instances[i].Set(ResourceState.Stopping, runner.Pid);
                await runner.StopAsync(context.Options.StopGracePeriod);
                var code = await runner.WaitForExitAsync();
                _instances[i].Set(ResourceState.Stopped, exitCode: code);
                _runners[i] = null;
                runner.Dispose();
            }
            catch (Exception ex) when (ex is InvalidOperationException or ObjectDisposedException)
            {
                // The supervisor saw the exit first and already disposed it: nothing left to stop.
                _instances[i].Set(ResourceState.Stopped);
            }
        }));
    }
}
