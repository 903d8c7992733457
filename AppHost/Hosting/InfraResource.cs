using System.Diagnostics;
using System.Text.RegularExpressions;

namespace FaceAspire.AppHost.Hosting;

/// <summary>
/// A server started by the repository's infrastructure scripts (<c>infra/{script} start|status|url|stop</c>,
/// instance from <c>FACEASPIRE_INFRA_INSTANCE</c>, default dev), or, when <c>ConnectionStrings__{name}</c> is set
/// in the AppHost's configuration, an external server that is used as is and never started or stopped.
/// A server that was already running when the AppHost started is used but left running on exit.
/// </summary>
public abstract partial class InfraResource : Resource, IResourceWithConnectionString
{
    private readonly ResourceInstance _instance;
    private readonly TaskCompletionSource<string> _connectionString = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _startedByUs;
    // The start script once launched. It is not cancelled with the AppHost: a server it launched would boot on,
    // orphaned, after the AppHost's exit; StopAsync waits for it instead and then stops what it started.
    private Task<(int Code, List<string> Output)>? _start;

    private protected InfraResource(string name, string script, string? externalConnectionString) : base(name)
    {
        Script = script;
        ExternalConnectionString = string.IsNullOrWhiteSpace(externalConnectionString) ? null : externalConnectionString;
        _instance = new ResourceInstance(name, name);
    }

    /// <summary>Script file name under infra/, e.g. "postgres.sh".</summary>
    public string Script { get; }

    /// <summary>Connection string given in configuration; null when the scripts provide the server.</summary>
    public string? ExternalConnectionString { get; }

    /// <inheritdoc />
    public Resource Owner => this;

    internal override IReadOnlyList<ResourceInstance> Instances => [_instance];

    /// <inheritdoc />
    public Task<string> GetConnectionStringAsync(CancellationToken cancellationToken) =>
        _connectionString.Task.WaitAsync(cancellationToken);

    /// <summary>The script's <c>url</c> arguments for this resource's main connection string.</summary>
    private protected abstract string[] UrlArguments { get; }

    /// <summary>Called once the server runs, to fetch extra connection strings (e.g. the owner role).</summary>
    private protected virtual Task OnStartedAsync(OrchestratorContext context, CancellationToken ct) => Task.CompletedTask;

    internal override async Task StartAsync(OrchestratorContext context, CancellationToken cancellationToken)
    {
        if (ExternalConnectionString is { } external)
        {
            _connectionString.TrySetResult(external);
            await OnStartedAsync(context, cancellationToken);
            _instance.Url = Redact(external);
            _instance.Set(ResourceState.Running, message: "external (from configuration)");
            Ready.TrySetResult();
            return;
        }
        _instance.Set(ResourceState.Starting, message: $"infra/{Script} start");
        var (status, _) = await RunScriptAsync(context, cancellationToken, ["status"], log: false);
        if (status != 0)
        {
            // Ours to stop from here on, even if the start fails half-way (server launched, readiness wait timed out).
            _startedByUs = true;
            _start = RunScriptAsync(context, CancellationToken.None, "start");
            var (code, output) = await _start.WaitAsync(cancellationToken);
            if (code != 0)
                throw new InvalidOperationException($"infra/{Script} start exited with code {code}: {output.LastOrDefault()}");
        }
        var (urlCode, url) = await RunScriptAsync(context, cancellationToken, ["url", .. UrlArguments], log: false);
        if (urlCode != 0 || url.Count == 0)
            throw new InvalidOperationException($"infra/{Script} url failed with code {urlCode}");
        _connectionString.TrySetResult(url[^1]);
        await OnStartedAsync(context, cancellationToken);
        _instance.Url = Redact(url[^1]);
        _instance.Set(ResourceState.Running, message: _startedByUs ? null : "was already running; left running on exit");
        Ready.TrySetResult();
    }

    internal override void Fail(Exception error)
    {
        _connectionString.TrySetException(error);
        base.Fail(error);
    }

    internal override async Task StopAsync(OrchestratorContext context)
    {
        if (!_startedByUs)
        {
            if (_instance.State != ResourceState.Running) _instance.Set(ResourceState.Stopped);
            return;
        }
        _instance.Set(ResourceState.Stopping);
        if (_start is { } start) // stopping a server that is still booting would race its start script
            try { await start; } catch (Exception) { /* reported by StartAsync */ }
        var (code, output) = await RunScriptAsync(context, CancellationToken.None, "stop");
        _instance.Set(ResourceState.Stopped, exitCode: code, message: code == 0 ? null : output.LastOrDefault());
    }

    /// <summary>Runs <c>bash infra/{Script} args</c>; returns its exit code and stdout+stderr lines.
    /// With <paramref name="log"/> the lines also go to the log file and console (never for <c>url</c>: secrets).</summary>
    private protected async Task<(int Code, List<string> Output)> RunScriptAsync(OrchestratorContext context,
        CancellationToken ct, string[] args, bool log = true)
    {
        var info = new ProcessStartInfo("bash", [Path.Combine(context.RepositoryRoot, "infra", Script), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        using var process = new Process { StartInfo = info };
        var lines = new List<string>();
        void OnLine(string? line)
        {
            if (line is null) return;
            lock (lines) lines.Add(line);
            if (!log) return;
            File.AppendAllText(context.LogPath(Name), line + "\n");
            context.Table.Log(Name, line);
        }
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        Directory.CreateDirectory(context.LogDirectory);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync(ct);
        lock (lines) return (process.ExitCode, [.. lines]);
    }

    private protected Task<(int Code, List<string> Output)> RunScriptAsync(OrchestratorContext context, CancellationToken ct, string arg) =>
        RunScriptAsync(context, ct, [arg]);

    /// <summary>Removes passwords from a connection string or URL for display.</summary>
    internal static string Redact(string connection) =>
        PasswordPattern().Replace(UserInfoPattern().Replace(connection, "$1***@"), "Password=***");

    [GeneratedRegex("Password=[^;]*", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordPattern();

    [GeneratedRegex("^([a-z]+://[^:/@]+):[^@]*@")]
    private static partial Regex UserInfoPattern();
}

/// <summary>PostgreSQL + pgvector through <c>infra/postgres.sh</c>; <c>ConnectionStrings__{name}</c> is the app
/// role, <see cref="OwnerConnection"/> (<c>ConnectionStrings__{name}-owner</c>) the schema owner for migrations.</summary>
public sealed class PostgresResource : InfraResource
{
    internal PostgresResource(string name, string? external, string? externalOwner) : base(name, "postgres.sh", external)
    {
        OwnerConnection = new SecondaryConnection(this, "owner", externalOwner ?? external);
    }

    /// <summary>The owner-role connection, named "{name}-owner".</summary>
    public SecondaryConnection OwnerConnection { get; }

    private protected override string[] UrlArguments => ["app"];

    private protected override async Task OnStartedAsync(OrchestratorContext context, CancellationToken ct)
    {
        if (OwnerConnection.External is { } external)
        {
            OwnerConnection.Set(external);
            return;
        }
        var (code, url) = await RunScriptAsync(context, ct, ["url", "owner"], log: false);
        if (code != 0 || url.Count == 0)
            throw new InvalidOperationException($"infra/postgres.sh url owner failed with code {code}");
        OwnerConnection.Set(url[^1]);
    }
}

/// <summary>
/// A second connection string of an infrastructure resource, named "{name}-{suffix}" (the database owner role
/// "facedb-owner", RabbitMQ's management API "messaging-management"); waiting for it waits for the server.
/// </summary>
public sealed class SecondaryConnection : IResourceWithConnectionString
{
    private readonly TaskCompletionSource<string> _value = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _suffix;

    internal SecondaryConnection(InfraResource server, string suffix, string? external)
    {
        Owner = server;
        _suffix = suffix;
        External = external;
    }

    /// <inheritdoc />
    public string Name => Owner.Name + "-" + _suffix;

    /// <inheritdoc />
    public Resource Owner { get; }

    internal string? External { get; }

    internal void Set(string value) => _value.TrySetResult(value);

    /// <inheritdoc />
    public Task<string> GetConnectionStringAsync(CancellationToken cancellationToken) => _value.Task.WaitAsync(cancellationToken);
}

/// <summary>RabbitMQ through <c>infra/rabbitmq.sh</c>; the connection string is an amqp:// URL.</summary>
public sealed class RabbitMQResource : InfraResource
{
    internal RabbitMQResource(string name, string? external, string? externalManagement) : base(name, "rabbitmq.sh", external)
    {
        ManagementConnection = new SecondaryConnection(this, "management", externalManagement);
    }

    /// <summary>The management API's http:// URL (with credentials), named "{name}-management"; used for queue depth and consumers.</summary>
    public SecondaryConnection ManagementConnection { get; }

    private protected override string[] UrlArguments => ["amqp"];

    private protected override async Task OnStartedAsync(OrchestratorContext context, CancellationToken ct)
    {
        if (ExternalConnectionString is not null)
        {
            // An external broker: its management URL only if given (ConnectionStrings__{name}-management).
            ManagementConnection.Set(ManagementConnection.External ?? "");
            return;
        }
        var (code, url) = await RunScriptAsync(context, ct, ["url", "mgmt"], log: false);
        if (code != 0 || url.Count == 0)
            throw new InvalidOperationException($"infra/rabbitmq.sh url mgmt failed with code {code}");
        ManagementConnection.Set(url[^1]);
    }
}
