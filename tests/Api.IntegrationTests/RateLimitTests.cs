using System.Net;

namespace FaceAspire.Api.IntegrationTests;

/// <summary>The Api with small rate limits, so that a test can reach them.</summary>
public sealed class SmallRateLimitsFixture : ApiFixture
{
    /// <inheritdoc />
    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["RateLimiting:PerKeyPerSecond"] = "1",
        ["RateLimiting:PerKeyBurst"] = "5",
        ["RateLimiting:AnonymousPerSecond"] = "1",
        ["RateLimiting:AnonymousBurst"] = "3",
    };
}

/// <summary>Rate limits per API key and per client address (ASP.NET Core's rate limiter): 429 with Retry-After.</summary>
public sealed class RateLimitTests(SmallRateLimitsFixture api) : IClassFixture<SmallRateLimitsFixture>
{
    [Fact]
    public async Task AKeyOverItsBurstGets429WithRetryAfterAndProbesAreNeverLimited()
    {
        // The bucket holds 5 and gains 1 a second: a quick burst of 10 gets at most 5 + 1 through.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
            statuses.Add((await api.Client.GetAsync("api/jobs")).StatusCode);
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.OK), 5, 6);
        Assert.All(statuses, s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.TooManyRequests }));
        using var refused = await api.Client.GetAsync("api/jobs");
        var problem = await Http.ExpectProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.Equal("Too many requests", problem.GetProperty("title").GetString());
        Assert.InRange(int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After"))), 1, 5);

        using var anonymous = api.NewClient();
        for (var i = 0; i < 20; i++)
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("health")).StatusCode);
    }

    [Fact]
    public async Task RequestsWithoutAValidKeyHaveASmallBucketPerAddress()
    {
        using var guesser = api.NewClient("fa_not_a_key");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
            statuses.Add((await guesser.GetAsync("api/jobs")).StatusCode);
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.Unauthorized), 3, 4);
        Assert.True(statuses.Count(s => s == HttpStatusCode.TooManyRequests) >= 4, string.Join(", ", statuses));
    }
}
