using System.Net;
using FaceAspire.Api.Apis;
using FaceAspire.Vision.Imaging;
using Microsoft.Extensions.DependencyInjection;

namespace FaceAspire.Api.IntegrationTests;

/// <summary>The Api with one thumbnail at a time and one request waiting.</summary>
public sealed class OneThumbnailApiFixture : ApiFixture
{
    /// <inheritdoc />
    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Api:MaxConcurrentThumbnails"] = "1",
        ["Api:ThumbnailQueueLimit"] = "1",
    };

    /// <summary>The running Api's gate.</summary>
    public ThumbnailGate Gate => App.Services.GetRequiredService<ThumbnailGate>();
}

/// <summary>
/// <c>GET /api/frames/{id}/thumbnail</c> under load: first requests take turns at the <see cref="ThumbnailGate"/>,
/// the queue is bounded with a 503 naming the problem, and a thumbnail already made needs no turn. The test holds
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
        using (var image = new ImageDecoder(new ImageLimits()).Decode(await made.Content.ReadAsByteArrayAsync()))
            Assert.Equal(Thumbnails.MaxSide, Math.Max(image.Width, image.Height));

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
