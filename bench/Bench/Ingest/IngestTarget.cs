using FaceAspire.Api;
using FaceAspire.Core.Data.Entities;
using FaceAspire.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FaceAspire.Bench.Ingest;

/// <summary>
/// Where the ingest bench posts: an Api that runs already (<c>--url</c>, <c>--key</c>), or the real Api hosted in this
/// process (<see cref="ApiApp.Build"/>, Kestrel on 127.0.0.1, outbox dispatcher included) on a fresh, migrated
/// database of a PostgreSQL container and on a RabbitMQ container, both its own (tests/Testing's
/// <see cref="PostgresDatabaseFixture"/> and <see cref="TestInfrastructure"/>, the AppHost's images). PostgreSQL keeps
/// its durable defaults there (fsync, synchronous commit), as the AppHost's server does, because the group commit's
/// figures are commit times. The containers are removed when the process exits.
/// </summary>
internal sealed class IngestTarget : IAsyncDisposable
{
    private readonly WebApplication? _app;
    private readonly PostgresDatabaseFixture? _database;

    private IngestTarget(Uri url, string key, WebApplication? app = null, PostgresDatabaseFixture? database = null)
    {
        Url = url;
        Key = key;
        _app = app;
        _database = database;
    }

    /// <summary>The Api's base URL, ending in /.</summary>
    public Uri Url { get; }

    /// <summary>The API key to send.</summary>
    public string Key { get; }

    /// <summary>Whether the Api runs in this process.</summary>
    public bool Hosted => _app is not null;

    /// <summary>A running Api.</summary>
    public static IngestTarget Remote(string url, string key) => new(new Uri(url.TrimEnd('/') + "/"), key);

    /// <summary>Starts the containers (about 10 s with local images), prepares the database as the migration step
    /// does, and starts the Api with a fresh key.</summary>
    /// <exception cref="Exception">The container engine is unreachable (run under infra/with-containers.sh) or a
    /// container did not start: Testcontainers' exceptions, whose messages name the cause.</exception>
    public static async Task<IngestTarget> StartAsync(CancellationToken ct)
    {
        TestInfrastructure.DurablePostgres = true;
        var database = new PostgresDatabaseFixture();
        await database.InitializeAsync();
        var broker = (await TestInfrastructure.GetAsync(requireRabbitMq: true)).RabbitMq;
        var key = ApiKey.Generate();
        // The content root is the binaries' folder, as under the AppHost: from the repository root, the configuration
        // file watcher followed every write under the working tree.
        var app = ApiApp.Build(["--contentRoot", AppContext.BaseDirectory], builder =>
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:facedb"] = database.AppConnectionString,
                ["ConnectionStrings:messaging"] = broker.Url,
                ["Api:BootstrapApiKey"] = key,
                ["Encryption:Key"] = TestEncryption.Key,
            });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
        });
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new IngestTarget(new Uri(address.TrimEnd('/') + "/"), key, app, database);
    }

    /// <summary>Stops the hosted Api and drops its database (the containers go when the process exits).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        if (_database is not null)
            await _database.DisposeAsync();
    }
}
