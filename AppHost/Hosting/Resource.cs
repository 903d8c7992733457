namespace FaceAspire.AppHost.Hosting;

/// <summary>Something the AppHost starts or points at, named in lowercase kebab case (the name doubles as
/// connection-string key and service-discovery name, as in Aspire).</summary>
public interface IResource
{
    /// <summary>Resource name, e.g. "facedb", "api".</summary>
    string Name { get; }
}

/// <summary>A resource that other resources reach through <c>ConnectionStrings__{ConnectionStringName}</c>.</summary>
public interface IResourceWithConnectionString : IResource
{
    /// <summary>The resource whose readiness <c>WaitFor</c> waits on (itself, or the server it belongs to).</summary>
    Resource Owner { get; }

    /// <summary>Completes with the connection string once the resource has started.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="InvalidOperationException">When the resource failed to start.</exception>
    Task<string> GetConnectionStringAsync(CancellationToken cancellationToken);
}

/// <summary>How a resource waits for another before starting.</summary>
public enum WaitKind
{
    /// <summary>Until the other resource is healthy (<c>WaitFor</c>).</summary>
    Healthy,

    /// <summary>Until the other resource has run to completion with exit code 0 (<c>WaitForCompletion</c>).</summary>
    Completed,
}

/// <summary>Lifecycle states shown in the resource table and <c>.run/state.json</c> (Aspire's names where they exist).</summary>
public enum ResourceState
{
    /// <summary>Declared; waiting for its dependencies.</summary>
    Waiting,
    /// <summary>Process started (or script running), not yet healthy.</summary>
    Starting,
    /// <summary>Healthy.</summary>
    Running,
    /// <summary>Ran to completion with exit code 0.</summary>
    Finished,
    /// <summary>Exited unexpectedly; a restart is scheduled.</summary>
    Restarting,
    /// <summary>Could not start, a dependency failed, or a run-to-completion step exited non-zero.</summary>
    FailedToStart,
    /// <summary>Being stopped by the AppHost.</summary>
    Stopping,
    /// <summary>Stopped by the AppHost.</summary>
    Stopped,
}

/// <summary>Base of all resources: name, dependencies and the signals dependants wait on.</summary>
/// <param name="name">Lowercase kebab-case name.</param>
public abstract class Resource(string name) : IResource
{
    /// <inheritdoc />
    public string Name { get; } = name;

    internal List<(Resource Target, WaitKind Kind)> Waits { get; } = [];

    /// <summary>Completes when healthy (or, for run-to-completion resources, finished); faults on failure.</summary>
    internal TaskCompletionSource Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the process exited 0; faults when it exited otherwise.</summary>
    internal TaskCompletionSource Completed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True when some resource waits for this one's completion: it runs once and is never restarted.</summary>
    internal bool RunsToCompletion { get; set; }

    /// <summary>The rows this resource contributes to the table (one per replica).</summary>
    internal abstract IReadOnlyList<ResourceInstance> Instances { get; }

    internal abstract Task StartAsync(OrchestratorContext context, CancellationToken cancellationToken);

    internal abstract Task StopAsync(OrchestratorContext context);

    internal virtual void Fail(Exception error)
    {
        foreach (var i in Instances)
            if (i.State is ResourceState.Waiting or ResourceState.Starting)
                i.Set(ResourceState.FailedToStart, message: error.Message);
        Ready.TrySetException(error);
        Completed.TrySetException(error);
    }
}

/// <summary>One row of the resource table: a replica of a project, or an infrastructure service.</summary>
/// <param name="name">Row name: the resource name, or "{resource}-{n}" for replicas.</param>
/// <param name="resource">Name of the resource this row belongs to.</param>
public sealed class ResourceInstance(string name, string resource)
{
    private readonly Lock _gate = new();

    /// <summary>Row name, also the log file name (<c>.run/logs/{Name}.log</c>).</summary>
    public string Name { get; } = name;

    /// <summary>Owning resource name.</summary>
    public string Resource { get; } = resource;

    /// <summary>Current state.</summary>
    public ResourceState State { get; private set; } = ResourceState.Waiting;

    /// <summary>Process id while a process runs; null otherwise.</summary>
    public int? Pid { get; private set; }

    /// <summary>Endpoint or connection target (passwords removed), if any.</summary>
    public string? Url { get; set; }

    /// <summary>Restarts after unexpected exits.</summary>
    public int Restarts { get; private set; }

    /// <summary>Last exit code, if the process exited.</summary>
    public int? ExitCode { get; private set; }

    /// <summary>Short human-readable detail (why it failed, "external", ...).</summary>
    public string? Message { get; private set; }

    /// <summary>Raised after every change (the table redraws, state.json is rewritten).</summary>
    internal event Action<ResourceInstance>? Changed;

    internal void Set(ResourceState state, int? pid = null, string? message = null, int? exitCode = null, bool restarted = false)
    {
        lock (_gate)
        {
            State = state;
            Pid = pid;
            Message = message;
            if (exitCode is not null) ExitCode = exitCode;
            if (restarted) Restarts++;
        }
        Changed?.Invoke(this);
    }
}
