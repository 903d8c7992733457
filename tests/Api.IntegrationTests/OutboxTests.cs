using FaceAspire.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace FaceAspire.Api.IntegrationTests;

/// <summary>
/// The Api on a RabbitMQ container of its own, so that stopping the broker disturbs no other test. Removed when the
/// class is done.
/// </summary>
public sealed class DedicatedBrokerApiFixture : ApiFixture, IAsyncLifetime
{
    private RabbitMqBroker? _broker;

    /// <summary>The class's own broker.</summary>
    public RabbitMqBroker Broker => _broker ?? throw new InvalidOperationException("not initialised");

    /// <inheritdoc />
    protected override async Task<RabbitMqBroker> GetBrokerAsync() => _broker ??= await RabbitMqBroker.StartAsync();

    /// <summary>Short relay back-off so the test sees recovery quickly.</summary>
    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Outbox:SendTimeoutSeconds"] = "2",
        ["Outbox:MaxBackoffSeconds"] = "2",
    };

    /// <summary>Disposes as the base does, then removes the dedicated broker.</summary>
    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_broker is not null)
            await _broker.DisposeAsync();
    }
}

/// <summary>The transactional outbox: a 202 is a promise even while the broker is down.</summary>
public sealed class OutboxTests(DedicatedBrokerApiFixture api) : IClassFixture<DedicatedBrokerApiFixture>
{
    [Fact]
    public async Task FramesAcceptedWhileTheBrokerIsDownAreDispatchedWhenItReturns()
    {
        await api.Broker.StopAsync();
        Guid[] ids;
        try
        {
            var responses = new List<Http.Accepted>();
            for (var i = 0; i < 3; i++)
                responses.Add(Assert.Single(await Http.ExpectAcceptedAsync(
                    await api.Client.PostAsync("api/frames", Http.Raw(Photos.Variant(Photos.Obama, $"outage {i}"))))));
            ids = [.. responses.Select(r => r.Id)];

            // The rows wait in the outbox; the relay has tried (and failed) at least once.
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (await api.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE attempts > 0") < 3 && DateTime.UtcNow < deadline)
                await Task.Delay(200);
            Assert.Equal(3L, await api.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE dispatched_at IS NULL"));
            Assert.Equal(3L, await api.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE attempts > 0 AND last_error IS NOT NULL"));
        }
        finally
        {
            await api.Broker.StartAsync();
        }

        await api.AssertQueuedOnceAsync(ids);
        var marked = DateTime.UtcNow.AddSeconds(10);
        while (await api.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE dispatched_at IS NULL") > 0 && DateTime.UtcNow < marked)
            await Task.Delay(100);
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE dispatched_at IS NULL"));
    }

    [Fact]
    public async Task TwoApiReplicasOnOneOutboxSendEveryMessageExactlyOnce()
    {
        // A second Api process-alike (own relay, same database and vhost) competes on the same outbox rows.
        var second = new SecondReplica(api);
        await second.StartAsync();
        try
        {
            var posts = Enumerable.Range(0, 120).Select(async i =>
            {
                var client = i % 2 == 0 ? api.Client : second.Client;
                return Assert.Single(await Http.ExpectAcceptedAsync(
                    await client.PostAsync("api/frames", Http.Raw(Photos.Variant(Photos.Couple, $"replica {i}"))))).Id;
            });
            var ids = await Task.WhenAll(posts);
            var drained = await api.DrainQueueAsync(ids, timeoutSeconds: 30, settleSeconds: 2);
            foreach (var id in ids)
                Assert.Equal(1, drained.Count(d => d == id));
        }
        finally
        {
            await second.StopAsync();
        }
    }

    /// <summary>Another Api on the fixture's database and vhost, with its own key cache, relay and port.</summary>
    private sealed class SecondReplica(ApiFixture fixture)
    {
        private Microsoft.AspNetCore.Builder.WebApplication? _app;
        public HttpClient Client { get; private set; } = null!;

        public async Task StartAsync()
        {
            _app = ApiApp.Build([], builder =>
            {
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                    {
                        ["ConnectionStrings:facedb"] = fixture.ApiConnectionString,
                        ["ConnectionStrings:messaging"] = fixture.AmqpUrl,
                        ["Api:BootstrapApiKey"] = fixture.ApiKey,
                        ["Encryption:Key"] = TestEncryption.Key,
                    });
                builder.WebHost.UseUrls("http://127.0.0.1:0");
                builder.Logging.SetMinimumLevel(LogLevel.Warning);
            });
            await _app.StartAsync();
            Client = new HttpClient { BaseAddress = new Uri(_app.Urls.First() + "/") };
            Client.DefaultRequestHeaders.Add("X-Api-Key", fixture.ApiKey);
        }

        public async Task StopAsync()
        {
            Client.Dispose();
            await _app!.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
