using System.Net;
using FaceAspire.Api.Apis;
using FaceAspire.Testing;
using FaceAspire.Vision.Imaging;
using Microsoft.Extensions.DependencyInjection;

namespace FaceAspire.Api.IntegrationTests;

/// <summary>
/// The Api with one thumbnail at a time and one request waiting, and a real worker process on the same database and
/// vhost: the worker makes the thumbnails (the Api decodes no pixels).
/// </summary>
public sealed class OneThumbnailApiFixture : ApiFixture, IAsyncLifetime
{
    private ServiceProcess? _worker;

    /// <inheritdoc />
    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Api:MaxConcurrentThumbnails"] = "1",
        ["Api:ThumbnailQueueLimit"] = "1",
    };

    /// <summary>The running Api's gate.</summary>
    public ThumbnailGate Gate => App.Services.GetRequiredService<ThumbnailGate>();

    /// <summary>Starts the Api (base), then one worker, and waits until its consumers are bound.</summary>
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _worker = await ServiceProcess.StartAsync(new ServiceProcessOptions("Worker")
        {
            Name = "worker",
            Environment = new Dictionary<string, string>
            {
                ["DOTNET_ENVIRONMENT"] = "Production",
                ["ConnectionStrings__facedb"] = AppConnectionString,
                ["ConnectionStrings__messaging"] = AmqpUrl,
                ["Worker__Concurrency"] = "1",
            },
        }, p => p.WaitForOutputAsync("Bus started", TimeSpan.FromSeconds(90)));
    }

    /// <summary>Stops the worker, then the base (Api, vhost, database).</summary>
    public new async Task DisposeAsync()
    {
        if (_worker is not null)
            await _worker.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>
/// <c>GET /api/frames/{id}/thumbnail</c> under load: first requests take turns at the <see cref="ThumbnailGate"/>
/// (each turn asks the worker), the queue is bounded with a 503 naming the problem, and a thumbnail already made needs
/// no turn. The test holds
/// the only permit itself, so which request waits is not left to timing.
/// </summary>
public sealed class ThumbnailTests(OneThumbnailApiFixture api) : IClassFixture<OneThumbnailApiFixture>
{
    [Fact]
    public async Task FirstRequestsWaitTheirTurnOverflowGets503AndMadeThumbnailsNeedNoTurn()
    {
        var first = await IngestAsync(Photos.Variant(Photos.Obama, "thumb-1"));
        var second = await IngestAsync(Photos.Variant(Photos.Biden, "thumb-2"));

        var held = await api.Gate.EnterAsync(CancellationToken.None);
        Assert.True(held.IsAcquired);
        var waiting = api.Client.GetAsync($"api/frames/{first}/thumbnail");
        await WaitUntilAsync(() => api.Gate.Queued == 1);

        var overflow = await api.Client.GetAsync($"api/frames/{second}/thumbnail");
        var problem = await Http.ExpectProblemAsync(overflow, HttpStatusCode.ServiceUnavailable);
        Assert.Contains("at most 1 first requests wait", problem.GetProperty("detail").GetString());
        Assert.Equal(TimeSpan.FromSeconds(1), overflow.Headers.RetryAfter?.Delta);
        Assert.False(waiting.IsCompleted);

        held.Dispose();
        var made = await waiting;
        Assert.Equal(HttpStatusCode.OK, made.StatusCode);
        var info = new ImageProbe().Probe(await made.Content.ReadAsByteArrayAsync());
        Assert.Equal((ImageFormat.Jpeg, ThumbnailsApi.MaxSide), (info.Format, Math.Max(info.Width, info.Height)));

        using (await api.Gate.EnterAsync(CancellationToken.None))
        {
            var again = await api.Client.GetAsync($"api/frames/{first}/thumbnail");
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Equal(await made.Content.ReadAsByteArrayAsync(), await again.Content.ReadAsByteArrayAsync());
        }
        Assert.Equal(HttpStatusCode.OK, (await api.Client.GetAsync($"api/frames/{second}/thumbnail")).StatusCode);
    }

    private async Task<Guid> IngestAsync(byte[] photo) =>
        Assert.Single(await Http.ExpectAcceptedAsync(await api.Client.PostAsync("api/frames", Http.Raw(photo)))).Id;

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the request never queued at the gate");
            await Task.Delay(10);
        }
    }
}
