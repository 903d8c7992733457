using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FaceAspire.AppHost.Hosting;

/// <summary>The running application model, as Aspire's <c>DistributedApplication</c>: a generic host whose one
/// hosted service (<see cref="Orchestrator"/>) starts the resources and stops them on Ctrl+C/SIGTERM.</summary>
public sealed class DistributedApplication : IDisposable
{
    private readonly IHost _host;

    internal DistributedApplication(IHost host) => _host = host;

    /// <summary>Creates the builder: configuration from appsettings.json, environment variables and
    /// <paramref name="args"/> (e.g. <c>--Worker:Replicas=3</c>, <c>--AppHost:Configuration=Release</c>).</summary>
    /// <param name="args">Command-line arguments of the AppHost.</param>
    /// <exception cref="InvalidOperationException">When the repository root cannot be found or
    /// <c>AppHost:Configuration</c> is neither Debug nor Release.</exception>
    public static DistributedApplicationBuilder CreateBuilder(string[] args) => new(args);

    /// <summary>Runs until Ctrl+C or SIGTERM; then stops every child and the infrastructure it started. The process
    /// exit code is 1 when a resource failed to start.</summary>
    public void Run() => _host.Run();

    /// <summary>As <see cref="Run"/>, stopping also when <paramref name="cancellationToken"/> fires.</summary>
    /// <param name="cancellationToken">Stops the application.</param>
    /// <returns>Completes once everything is stopped.</returns>
    public Task RunAsync(CancellationToken cancellationToken = default) => _host.RunAsync(cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _host.Dispose();
}

/// <summary>Declares resources, as Aspire's <c>IDistributedApplicationBuilder</c>.</summary>
public sealed partial class DistributedApplicationBuilder
{
    private readonly HostApplicationBuilder _host;
    private readonly List<Resource> _resources = [];
    private string? _devApiKey;

    internal DistributedApplicationBuilder(string[] args)
    {
        _host = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = System.Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environments.Development,
        });
        _host.Logging.ClearProviders(); // the AppHost reports through ResourceTable only
        Options = AppHostOptions.Bind(_host.Configuration);
        _host.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        // Children get StopGracePeriod each (in parallel), then the infrastructure scripts need some seconds.
        _host.Services.Configure<HostOptions>(o => o.ShutdownTimeout = Options.StopGracePeriod + TimeSpan.FromSeconds(60));
    }

    /// <summary>The AppHost's configuration (appsettings.json, environment, command line).</summary>
    public IConfiguration Configuration => _host.Configuration;

    /// <summary>The AppHost environment; its name (default Development) is passed to children.</summary>
    public IHostEnvironment Environment => _host.Environment;

    /// <summary>Bound <see cref="AppHostOptions"/>.</summary>
    public AppHostOptions Options { get; }

    /// <summary>The development API key ("fa_" + 43 base64url characters), created on first use in
    /// <c>.run/dev-api-key</c> and written to <c>.run/endpoints.json</c> when the system is ready.</summary>
    public string DevApiKey => _devApiKey ??= Hosting.DevApiKey.LoadOrCreate(Options.RunDirectory!);

    /// <summary>PostgreSQL + pgvector (<c>infra/postgres.sh</c>), or the server of <c>ConnectionStrings:{name}</c>
    /// (and <c>ConnectionStrings:{name}-owner</c>) when configured.</summary>
    /// <param name="name">Resource and connection-string name, lowercase kebab case.</param>
    /// <returns>A builder to reference and wait for.</returns>
    public IResourceBuilder<PostgresResource> AddPostgres(string name) =>
        Add(new PostgresResource(CheckName(name), Configuration.GetConnectionString(name), Configuration.GetConnectionString(name + "-owner")));

    /// <summary>RabbitMQ (<c>infra/rabbitmq.sh</c>), or <c>ConnectionStrings:{name}</c> (and optionally
    /// <c>ConnectionStrings:{name}-management</c>) when configured.</summary>
    /// <param name="name">Resource and connection-string name, lowercase kebab case.</param>
    /// <returns>A builder to reference and wait for.</returns>
    public IResourceBuilder<RabbitMQResource> AddRabbitMQ(string name) =>
        Add(new RabbitMQResource(CheckName(name), Configuration.GetConnectionString(name), Configuration.GetConnectionString(name + "-management")));

    /// <summary>A project of this repository, by folder name (e.g. "Api" for Api/Api.csproj → FaceAspire.Api.dll).</summary>
    /// <param name="name">Resource name, lowercase kebab case (also OTEL_SERVICE_NAME).</param>
    /// <param name="projectDirectory">Folder under the repository root holding {folder}.csproj.</param>
    /// <param name="args">Command-line arguments of every replica.</param>
    /// <returns>A builder to configure the project.</returns>
    /// <exception cref="FileNotFoundException">When the project file does not exist.</exception>
    public IResourceBuilder<ProjectResource> AddProject(string name, string projectDirectory, params string[] args) =>
        Add(new ProjectResource(CheckName(name), projectDirectory, args, Options.RepositoryRoot!));

    /// <summary>Builds the application; ports are chosen now so that references resolve.</summary>
    /// <returns>The application to run.</returns>
    public DistributedApplication Build()
    {
        foreach (var project in _resources.OfType<ProjectResource>())
            project.Allocate();
        var telemetry = new[] { "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_HEADERS" }
            .Where(k => !string.IsNullOrWhiteSpace(Configuration[k]))
            .ToDictionary(k => k, k => Configuration[k]!);
        var live = Options.Dashboard switch
        {
            "table" => true,
            "plain" => false,
            _ => !Console.IsOutputRedirected,
        };
        var context = new OrchestratorContext(Options, new ResourceTable(live), Environment.EnvironmentName, telemetry);
        _host.Services.AddSingleton(context);
        _host.Services.AddSingleton<IReadOnlyList<Resource>>(_resources);
        _host.Services.AddSingleton(new DevApiKeyHolder(_devApiKey));
        _host.Services.AddHostedService<Orchestrator>();
        return new DistributedApplication(_host.Build());
    }

    private IResourceBuilder<T> Add<T>(T resource) where T : Resource
    {
        _resources.Add(resource);
        return new ResourceBuilder<T>(resource, this);
    }

    private string CheckName(string name)
    {
        if (!ResourceName().IsMatch(name))
            throw new ArgumentException($"Resource names are lowercase kebab case (got '{name}').", nameof(name));
        if (_resources.Any(r => r.Name == name))
            throw new ArgumentException($"A resource named '{name}' already exists.", nameof(name));
        return name;
    }

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    private static partial Regex ResourceName();
}

/// <summary>The dev API key if the application model used one (it goes into endpoints.json).</summary>
internal sealed record DevApiKeyHolder(string? Key);
