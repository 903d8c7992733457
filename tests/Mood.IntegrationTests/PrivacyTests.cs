using System.Net;
using FaceAspire.Mood.IntegrationTests.Support;

namespace FaceAspire.Mood.IntegrationTests;

/// <summary>A worker in privacy mode stores no crops; with no worker left, the mood API answers 503 in time.</summary>
public sealed class PrivacyTests(PrivacyTests.Fixture fx) : IClassFixture<PrivacyTests.Fixture>
{
    /// <summary>One privacy-mode worker, a 2 s request timeout.</summary>
    public sealed class Fixture : SystemFixture
    {
        /// <inheritdoc />
        protected override int WorkerCount => 1;

        /// <inheritdoc />
        protected override IReadOnlyDictionary<string, string> WorkerSettings => new Dictionary<string, string> { ["Worker__PrivacyMode"] = "true" };

        /// <inheritdoc />
        protected override IReadOnlyDictionary<string, string> ApiSettings => new Dictionary<string, string> { ["Mood__RequestTimeoutSeconds"] = "2" };
    }

    [Fact]
    public async Task PrivacyModeStoresNoCropsAndNoWorkerMeans503()
    {
        var frames = new List<Guid>();
        foreach (var photo in new[] { "identities/face_recognition/obama.jpg", "groups/couple.jpg" })
            frames.Add(await fx.IngestAsync(Images.Shared(photo)));
        await fx.WaitSettledAsync(frames, TimeSpan.FromMinutes(1));
        Assert.True(await fx.ScalarAsync<long>("SELECT count(*) FROM faces") >= 3);
        Assert.Equal(0L, await fx.ScalarAsync<long>("SELECT count(*) FROM faces WHERE crop IS NOT NULL"));

        foreach (var w in fx.Workers)
            w.Kill();
        var started = DateTime.UtcNow;
        var response = await fx.Client.PostAsync("api/analyze-mood", Images.Json(new { image = Convert.ToBase64String(Images.Obama) }));
        var body = await Images.ExpectAsync(response, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.InRange((DateTime.UtcNow - started).TotalSeconds, 1.5, 8);
    }
}
