namespace FaceAspire.AppHost.Hosting;

/// <summary>What resources need while starting and stopping: settings, paths, the reporter and the build.</summary>
internal sealed class OrchestratorContext(AppHostOptions options, ResourceTable table, string environmentName,
    IReadOnlyDictionary<string, string> telemetryEnvironment)
{
    public AppHostOptions Options { get; } = options;
    public string RepositoryRoot => Options.RepositoryRoot!;
    public string RunDirectory => Options.RunDirectory!;
    public string LogDirectory => Path.Combine(RunDirectory, "logs");
    public ResourceTable Table { get; } = table;

    /// <summary>DOTNET_ENVIRONMENT/ASPNETCORE_ENVIRONMENT given to children: the AppHost's own environment name.</summary>
    public string EnvironmentName { get; } = environmentName;

    /// <summary>OTEL_EXPORTER_OTLP_* settings of the AppHost, passed on to every child.</summary>
    public IReadOnlyDictionary<string, string> TelemetryEnvironment { get; } = telemetryEnvironment;

    /// <summary>Completes when every project is built (or found up to date).</summary>
    public Task Build { get; set; } = Task.CompletedTask;

    /// <summary>Cancelled when the AppHost begins to stop: no more restarts.</summary>
    public CancellationToken Stopping { get; set; }

    public string LogPath(string instance) => Path.Combine(LogDirectory, instance + ".log");
}
