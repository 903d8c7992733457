using System.Net;
using System.Net.Http.Headers;
using FaceAspire.Core.Contracts;
using FaceAspire.Core.Data.Entities;
using FaceAspire.Mood.IntegrationTests.Support;
using FaceAspire.Worker.IntegrationTests.Support;

namespace FaceAspire.Mood.IntegrationTests;

/// <summary>
/// While PostgreSQL is down (a real <c>pg_ctl stop</c> of the test instance), every Api request that needs it answers
/// 503 with <c>Retry-After</c> and a ProblemDetails naming the database, never a 500 and never a 401 for a valid key
/// the Api could not check; once it is back, the same requests succeed and a photo refused meanwhile is processed.
/// </summary>
public sealed class ApiOutageTests(ApiOutageTests.Fixture fx) : IClassFixture<ApiOutageTests.Fixture>
{
    /// <summary>One worker; the bootstrap key stays cached through the outage, so the reads reach the database.</summary>
    public sealed class Fixture : SystemFixture
    {
        /// <inheritdoc />
        protected override int WorkerCount => 1;

        /// <inheritdoc />
        protected override IReadOnlyDictionary<string, string> ApiSettings => new Dictionary<string, string>
        {
            ["Api__ApiKeyCacheSeconds"] = "600",
        };
    }

    [Fact]
    public async Task EveryRequestIs503WithRetryAfterWhileTheDatabaseIsDownAndSucceedsOnceItIsBack()
    {
        var before = await IngestAsync(Images.Obama);
        await fx.WaitSettledAsync([before], TimeSpan.FromMinutes(1));
        var person = await fx.ScalarAsync<Guid>("SELECT person_id FROM faces WHERE frame_id = @f", ("f", before));
        // A second valid key, never used, so not in the Api's cache: checking it needs the database.
        var uncachedKey = ApiKey.Generate();
        await using (var db = fx.CreateDbContext())
        {
            db.ApiKeys.Add(ApiKey.Create("outage-test", uncachedKey, DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
        }
        using var uncached = new HttpClient { BaseAddress = fx.ApiUrl };
        uncached.DefaultRequestHeaders.Add("X-Api-Key", uncachedKey);
        var biden = await File.ReadAllBytesAsync(Images.BidenTrain[0]);
        string[] reads = ["api/persons", "api/faces", "api/emotions", $"api/frames/{before}", $"api/persons/{person}",
            $"api/emotions?person={person}", "api/jobs"];

        await fx.WithDatabaseDownAsync(async () =>
        {
            foreach (var path in reads)
                await ExpectUnavailableAsync(await fx.Client.GetAsync(path), "GET " + path);
            await ExpectUnavailableAsync(await fx.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "api/emotions")
            {
                Headers = { Accept = { new MediaTypeWithQualityHeaderValue("text/csv") } },
            }), "GET api/emotions as CSV");
            await ExpectUnavailableAsync(await fx.Client.PostAsync("api/frames", Raw(biden)), "POST api/frames");
            await ExpectUnavailableAsync(await uncached.GetAsync("api/persons"), "GET api/persons with a key not yet cached");
        });

        // The client retries as told: everything answers, and the photo refused during the outage is processed.
        foreach (var path in reads)
            await Images.ExpectAsync(await fx.Client.GetAsync(path), HttpStatusCode.OK);
        await Images.ExpectAsync(await uncached.GetAsync("api/persons"), HttpStatusCode.OK);
        var accepted = await Images.ExpectAsync(await fx.Client.PostAsync("api/frames", Raw(biden)), HttpStatusCode.Accepted);
        var after = accepted[0].GetProperty("id").GetGuid();
        await fx.WaitSettledAsync([after], TimeSpan.FromMinutes(1));
        Assert.Equal(FrameStatus.Done, await fx.ScalarAsync<string>("SELECT status FROM frames WHERE id = @f", ("f", after)));
        Assert.Equal(1L, await fx.ScalarAsync<long>("SELECT count(*) FROM faces WHERE frame_id = @f", ("f", after)));
        Assert.Equal(2L, await fx.ScalarAsync<long>("SELECT count(*) FROM frames"));
    }

    private async Task ExpectUnavailableAsync(HttpResponseMessage response, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable,
            $"{what}: expected 503, got {(int)response.StatusCode}: {text}\n{fx.Diagnostics()}");
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        Assert.Contains("Database unavailable", text);
    }

    private static ByteArrayContent Raw(byte[] jpeg) =>
        new(jpeg) { Headers = { ContentType = new MediaTypeHeaderValue("image/jpeg") } };

    private async Task<Guid> IngestAsync(byte[] image) =>
        (await fx.Ingest.AcceptAsync(image, "image/jpeg", "outage-test", DateTimeOffset.UtcNow, null)).FrameId;
}
