namespace FaceAspire.Testing;

/// <summary>
/// How the pipeline's service processes (Worker, Api) are started by the tests and the benches that run them for real:
/// production configuration with single-line console logs, each its own <see cref="ServiceProcess"/>, ready once it
/// prints a given line. Shared by tests/Worker.IntegrationTests and the bench's <c>chaos</c> command.
/// </summary>
public static class PipelineProcesses
{
    /// <summary>How long a service may take to print its ready line.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    /// <summary>What a worker prints once its bus runs (its consumers are bound to their queues).</summary>
    public const string WorkerReady = "Bus started";

    /// <summary>What the Api prints once Kestrel listens.</summary>
    public const string ApiReady = "Now listening on";

    /// <summary>
    /// Settings every service process starts with (the caller's environment overrides them): production configuration,
    /// and single-line console logs at Information, since tests count lines such as <c> done: </c>.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ServiceDefaults { get; } = new Dictionary<string, string>
    {
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["Logging__Console__FormatterName"] = "simple",
        ["Logging__Console__FormatterOptions__SingleLine"] = "true",
        ["Logging__LogLevel__Default"] = "Information",
    };

    /// <summary>
    /// How a worker process is started: the Worker project with <see cref="ServiceDefaults"/>, then
    /// <paramref name="environment"/> (connection strings, <c>Worker__*</c> settings).
    /// </summary>
    /// <param name="name">Label in messages and the log file's name.</param>
    /// <param name="environment">Configuration as env vars.</param>
    public static ServiceProcessOptions WorkerOptions(string name, IReadOnlyDictionary<string, string> environment) =>
        // A port of its own for the health endpoints: Kestrel's default (5000) fits one worker per machine.
        new("Worker") { Name = name, ListenOnFreePort = true, Environment = [.. ServiceDefaults, .. environment] };

    /// <summary>Starts a worker process (the caller disposes it) and waits until its bus has started.</summary>
    /// <param name="name">Label for messages.</param>
    /// <param name="environment">Configuration as env vars.</param>
    /// <param name="cpus">The CPUs it starts on (<see cref="ServiceProcessOptions.Cpus"/>); every CPU when null.</param>
    /// <exception cref="TimeoutException">Not ready within <see cref="StartTimeout"/>, or it exited (output attached).</exception>
    public static Task<ServiceProcess> StartWorkerAsync(string name, IReadOnlyDictionary<string, string> environment, string? cpus = null) =>
        StartAsync(WorkerOptions(name, environment) with { Cpus = cpus }, WorkerReady);

    /// <summary>
    /// Starts a service process (<see cref="ServiceDefaults"/> are the caller's to add) and waits until it prints
    /// <paramref name="readyText"/>; it is killed if it does not.
    /// </summary>
    /// <exception cref="TimeoutException">Not within <see cref="StartTimeout"/>, or the process exited first (output attached).</exception>
    public static Task<ServiceProcess> StartAsync(ServiceProcessOptions options, string readyText) =>
        ServiceProcess.StartAsync(options, p => p.WaitForOutputAsync(readyText, StartTimeout));
}
