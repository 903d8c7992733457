using System.Net.Http.Headers;
using FaceAspire.Api.Auth;
using FaceAspire.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FaceAspire.Api.IntegrationTests;

/// <summary>
/// The real Api for one test class: a fresh migrated database (<see cref="PostgresDatabaseFixture"/>), a private
/// RabbitMQ virtual host (so this class's <c>analyze-frame</c> queue holds only its own messages even while other
/// test projects use the same broker), and the Api itself built by <see cref="ApiApp.Build"/> and served by Kestrel
/// on 127.0.0.1 with a free port, with a bootstrap key. <see cref="Client"/> sends that key.
/// </summary>
public class ApiFixture : PostgresDatabaseFixture, IAsyncLifetime
{
    private readonly string _vhostName = "api_" + Guid.NewGuid().ToString("N")[..12];
    private RabbitMqVirtualHost? _vhost;
    private WebApplication? _app;
    private HttpClient? _client;

    /// <summary>The bootstrap key the Api inserts (hashed) at start.</summary>
    public string ApiKey { get; } = Core.Data.Entities.ApiKey.Generate();
    /// <summary>AMQP URL of this class's virtual host.</summary>
    public string AmqpUrl { get; private set; } = "";
    /// <summary>The running Api.</summary>
    public WebApplication App => _app ?? throw new InvalidOperationException("Api not started");
    /// <summary>Base address, e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseAddress { get; private set; } = null!;
    /// <summary>A client that sends <see cref="ApiKey"/>.</summary>
    public HttpClient Client => _client ?? throw new InvalidOperationException("Api not started");

    /// <summary>The broker this fixture uses (default: the shared one of the test assembly).</summary>
    protected virtual async Task<RabbitMqBroker> GetBrokerAsync() => (await TestInfrastructure.GetAsync(requireRabbitMq: true)).RabbitMq;

    /// <summary>Extra configuration for the Api (section:key → value).</summary>
    protected virtual IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>();

    /// <summary>A client without a key (or with <paramref name="key"/>).</summary>
    public HttpClient NewClient(string? key = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
            client.DefaultRequestHeaders.Add(ApiKeyAuthenticationHandler.HeaderName, key);
        return client;
    }

    /// <inheritdoc />
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _vhost = await RabbitMqVirtualHost.CreateAsync(await GetBrokerAsync(), _vhostName);
        AmqpUrl = _vhost.Url;
        await StartApiAsync();
    }

    /// <summary>Starts (or restarts) the Api on a new free port.</summary>
    public async Task StartApiAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:facedb"] = ApiConnectionString,
            ["ConnectionStrings:messaging"] = AmqpUrl,
            ["Api:BootstrapApiKey"] = ApiKey,
            ["Database:AppRole"] = null,
            ["Encryption:Key"] = TestEncryption.Key,
        };
        foreach (var (k, v) in ExtraSettings)
            settings[k] = v;
        _app = ApiApp.Build([], builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        _client = NewClient(ApiKey);
        _client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    /// <summary>
    /// The app-role string the Api gets: pool capped at 16 so that several Api instances (test classes run in
    /// parallel, plus a second replica) stay below the server's 100 connection slots.
    /// </summary>
    public string ApiConnectionString => new Npgsql.NpgsqlConnectionStringBuilder(AppConnectionString) { MaxPoolSize = 16 }.ConnectionString;

    /// <summary>Stops the Api (the database and broker stay).</summary>
    public async Task StopApiAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    /// <summary>
    /// Drains this vhost's analyze-frame queue until every id of <paramref name="expected"/> was seen (or the
    /// timeout), then for <paramref name="settleSeconds"/> more; returns everything drained, in arrival order.
    /// </summary>
    public Task<List<Guid>> DrainQueueAsync(IReadOnlyCollection<Guid> expected, double timeoutSeconds = 15, double settleSeconds = 1) =>
        RabbitQueue.DrainFrameIdsAsync(AmqpUrl, expected, TimeSpan.FromSeconds(timeoutSeconds), TimeSpan.FromSeconds(settleSeconds));

    /// <summary>Asserts that each of <paramref name="ids"/> arrives in the queue exactly once.</summary>
    public async Task AssertQueuedOnceAsync(params Guid[] ids)
    {
        var drained = await DrainQueueAsync(ids, settleSeconds: 1.5);
        foreach (var id in ids)
            Assert.True(drained.Count(d => d == id) == 1, $"frame {id} was queued {drained.Count(d => d == id)} times (drained: {drained.Count})");
    }

    /// <summary>One scalar from the fixture's database (app role); unlike the base fixture's, a query that returns no
    /// row fails the test with the query, and the value is read as <typeparamref name="T"/> rather than cast.</summary>
    public new async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = AppDataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"no row for: {sql}");
        return reader.GetFieldValue<T>(0);
    }

    /// <summary>Stops the Api, deletes the vhost, drops the database. (Re-implements IAsyncLifetime: the base's DisposeAsync is not virtual.)</summary>
    public new async Task DisposeAsync()
    {
        await StopApiAsync();
        if (_vhost is not null)
            await _vhost.DeleteAsync(); // best effort: a failed outbox test may have stopped the broker
        await base.DisposeAsync();
    }
}
