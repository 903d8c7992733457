using System.Net;
using System.Net.Http.Headers;
using FaceAspire.Testing;
using FaceAspire.Worker.IntegrationTests.Support;

namespace FaceAspire.Mood.IntegrationTests.Support;

/// <summary>
/// The whole system for one test class: a fresh database and vhost (<see cref="PipelineFixture"/>), the Api as a real
/// process on a free loopback port with a bootstrap key, and <see cref="WorkerCount"/> worker processes.
/// </summary>
public class SystemFixture : PipelineFixture, IAsyncLifetime
{
    private ServiceProcess? _api;

    /// <summary>The Api's bootstrap key.</summary>
    public string ApiKey { get; } = Core.Data.Entities.ApiKey.Generate();

    /// <summary>Base URL, e.g. http://127.0.0.1:41234/.</summary>
    public Uri ApiUrl { get; private set; } = null!;

    /// <summary>A client sending <see cref="ApiKey"/>.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>The Api process.</summary>
    public ServiceProcess Api => _api!;

    /// <summary>The CPUs the Api process starts on (<see cref="ServiceProcessOptions.Cpus"/>); every CPU when null.</summary>
    public string? ApiCpus { get; init; }

    /// <summary>Worker processes started at initialisation (default 2, one ONNX thread each).</summary>
    protected virtual int WorkerCount => 2;

    /// <summary>Extra worker settings (env form).</summary>
    protected virtual IReadOnlyDictionary<string, string> WorkerSettings => new Dictionary<string, string>();

    /// <summary>Extra Api settings (env form).</summary>
    protected virtual IReadOnlyDictionary<string, string> ApiSettings => new Dictionary<string, string>();

    /// <inheritdoc />
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var port = ServiceProcess.FreeLoopbackPort();
        ApiUrl = new Uri($"http://127.0.0.1:{port}/");
        var env = new Dictionary<string, string>
        {
            ["ConnectionStrings__facedb"] = AppConnectionString,
            ["ConnectionStrings__messaging"] = MessagingUrl,
            ["Api__BootstrapApiKey"] = ApiKey,
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
        };
        foreach (var (k, v) in ApiSettings)
            env[k] = v;
        var options = Options("api", "Api", ["--urls", ApiUrl.ToString().TrimEnd('/')], env) with { Cpus = ApiCpus };
        _api = await ServiceProcess.StartAsync(options,
            p => p.WaitForOutputAsync("Now listening on", TimeSpan.FromSeconds(60)));
        Client = new HttpClient { BaseAddress = ApiUrl, Timeout = TimeSpan.FromSeconds(120) };
        Client.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        Client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        // The bootstrap key is inserted by a hosted service right after start; wait until it is accepted.
        for (var i = 0; i < 100 && (await Client.GetAsync("api/jobs")).StatusCode == HttpStatusCode.Unauthorized; i++)
            await Task.Delay(100);
        for (var i = 0; i < WorkerCount; i++)
            await StartWorkerAsync($"worker-{i + 1}", 1, WorkerSettings);
    }

    /// <summary>Stops the Api, then the base (workers, vhost, database).</summary>
    public new async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_api is not null)
            await _api.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>Output of the Api and the workers, for failure messages.</summary>
    public string Diagnostics() => _api?.Tail() + "\n" + string.Join("\n", Workers.Select(w => w.Tail()));

    /// <summary>
    /// Settings the Api and CLI processes of these tests start with (the caller's environment overrides them):
    /// production configuration, and no ANSI colours in the CLI output the tests read.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ProcessDefaults { get; } = new Dictionary<string, string>
    {
        ["DOTNET_ENVIRONMENT"] = "Production",
        ["NO_COLOR"] = "1",
    };

    /// <summary>Starts <c>FaceAspire.&lt;project&gt;.dll args…</c> (Api or Cli) with <see cref="ProcessDefaults"/>; returns at once.</summary>
    /// <exception cref="FileNotFoundException">The project is not built.</exception>
    public static ServiceProcess StartProcess(string name, string project, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment) =>
        ServiceProcess.Start(Options(name, project, args, environment));

    private static ServiceProcessOptions Options(string name, string project, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment) =>
        new(project) { Name = name, Arguments = [.. args], Environment = [.. ProcessDefaults, .. environment] };
}
