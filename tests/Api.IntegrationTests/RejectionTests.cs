using System.Net;
using System.Text;
using FaceAspire.Core.Data.Entities;

namespace FaceAspire.Api.IntegrationTests;

/// <summary>Bad input is refused with the right 4xx ProblemDetails BEFORE anything is stored or queued; keys are enforced.</summary>
public sealed class RejectionTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private async Task AssertNothingStoredOrQueuedAsync()
    {
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM frames"));
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM outbox_messages"));
        Assert.Empty(await api.DrainQueueAsync([], settleSeconds: 0.5));
    }

    [Fact]
    public async Task CorruptJpegIs400AndNothingIsQueued()
    {
        var body = await Http.ExpectProblemAsync(await api.Client.PostAsync("api/frames", Http.Raw(Photos.CorruptJpeg())), HttpStatusCode.BadRequest);
        Assert.Equal("Corrupt image", body.GetProperty("title").GetString());
        await AssertNothingStoredOrQueuedAsync();
    }

    [Fact]
    public async Task TruncatedPhotoIs400()
    {
        var photo = Photos.Obama;
        await Http.ExpectProblemAsync(await api.Client.PostAsync("api/frames", Http.Raw(photo[..(photo.Length / 2)])), HttpStatusCode.BadRequest);
        await Http.ExpectProblemAsync(await api.Client.PostAsync("api/frames", Http.Raw(photo[..300])), HttpStatusCode.BadRequest);
        await AssertNothingStoredOrQueuedAsync();
    }

    [Fact]
    public async Task APngWithoutImageDataAndAGifWithoutFramesAre400NotLeftForAWorker()
    {
        var png = await Http.ExpectProblemAsync(await api.Client.PostAsync("api/frames", Http.Raw(Photos.PngWithoutImageData(), "image/png")), HttpStatusCode.BadRequest);
        Assert.Contains("no image data", png.GetProperty("detail").GetString());
        var gif = await Http.ExpectProblemAsync(await api.Client.PostAsync("api/frames", Http.Raw(Photos.GifWithoutFrames(), "image/gif")), HttpStatusCode.BadRequest);
        Assert.Contains("no frames", gif.GetProperty("detail").GetString());
        await AssertNothingStoredOrQueuedAsync();
    }

    [Fact]
    public async Task TextSentAsImageJpegIs415()
    {
        await Http.ExpectProblemAsync(await api.Client.PostAsync("api/frames", Http.Raw(Encoding.UTF8.GetBytes("just some text, not a photo"))),
            HttpStatusCode.UnsupportedMediaType);
        await Http.ExpectProblemAsync(await api.Client.PostAsync("api/frames", new StringContent("hello", Encoding.UTF8, "text/plain")),
            HttpStatusCode.UnsupportedMediaType);
        await AssertNothingStoredOrQueuedAsync();
    }

    [Fact]
    public async Task PngHeaderDeclaring100000x100000Is413()
    {
        var body = await Http.ExpectProblemAsync(await api.Client.PostAsync("api/frames", Http.Raw(Photos.PngDeclaring(100_000, 100_000), "image/png")),
            HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("100000×100000", body.GetProperty("detail").GetString());
        await AssertNothingStoredOrQueuedAsync();
    }

    [Fact]
    public async Task OverLimitBodiesAre413ProblemsNotResets()
    {
        // 21 MB: under the request limit (≈27.7 MB) but over the 20 MB image limit → the Api's own check.
        var image = Photos.Variant(Photos.Obama, "big");
        var big = new byte[21 * 1024 * 1024];
        image.CopyTo(big, 0);
        await Http.ExpectProblemAsync(await api.Client.PostAsync("api/frames", Http.Raw(big)), HttpStatusCode.RequestEntityTooLarge);
        await Http.ExpectProblemAsync(await api.Client.PostAsync("api/frames", Http.Multipart((big, "big.jpg"))), HttpStatusCode.RequestEntityTooLarge);
        // 40 MB chunked (no Content-Length): Kestrel's MaxRequestBodySize stops it while it streams in.
        var huge = new byte[40 * 1024 * 1024];
        var chunked = new StreamContent(new MemoryStream(huge));
        chunked.Headers.ContentType = new("image/jpeg");
        var request = new HttpRequestMessage(HttpMethod.Post, "api/frames") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        await Http.ExpectProblemAsync(await api.Client.SendAsync(request), HttpStatusCode.RequestEntityTooLarge);
        // 40 MB JSON with Content-Length.
        var json = Http.JsonBody(new { image = Convert.ToBase64String(huge[..(30 * 1024 * 1024)]) });
        await Http.ExpectProblemAsync(await api.Client.PostAsync("api/frames", json), HttpStatusCode.RequestEntityTooLarge);
        await AssertNothingStoredOrQueuedAsync();
    }

    [Fact]
    public async Task InvalidBase64MalformedJsonAndMissingImageAre400()
    {
        await Http.ExpectProblemAsync(await api.Client.PostAsync("api/frames", Http.JsonBody(new { image = "not base64 at all!" })), HttpStatusCode.BadRequest);
        await Http.ExpectProblemAsync(await api.Client.PostAsync("api/frames", Http.JsonBody(new { image = "data:image/jpeg,plain" })), HttpStatusCode.BadRequest);
        await Http.ExpectProblemAsync(await api.Client.PostAsync("api/frames", Http.JsonBody(new { source = "x" })), HttpStatusCode.BadRequest);
        await Http.ExpectProblemAsync(await api.Client.PostAsync("api/frames", new StringContent("{\"image\":", Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest);
        await Http.ExpectProblemAsync(await api.Client.PostAsync("api/frames", Http.JsonBody(new { image = Convert.ToBase64String(Photos.Obama), timestamp = "yesterday" })),
            HttpStatusCode.BadRequest);
        await Http.ExpectProblemAsync(await api.Client.PostAsync("api/frames", null), HttpStatusCode.BadRequest);
        var emptyForm = new MultipartFormDataContent { { new StringContent("cam"), "source" } };
        await Http.ExpectProblemAsync(await api.Client.PostAsync("api/frames", emptyForm), HttpStatusCode.BadRequest);
        await AssertNothingStoredOrQueuedAsync();
    }

    [Fact]
    public async Task OneBadFileRejectsTheWholeMultipartRequest()
    {
        var content = Http.Multipart((Photos.Variant(Photos.Obama, "good"), "good.jpg"), (Photos.CorruptJpeg(), "bad.jpg"));
        var body = await Http.ExpectProblemAsync(await api.Client.PostAsync("api/frames", content), HttpStatusCode.BadRequest);
        Assert.Contains("bad.jpg", body.GetProperty("detail").GetString());
        await AssertNothingStoredOrQueuedAsync();
    }

    [Fact]
    public async Task MissingWrongAndRevokedKeysAre401()
    {
        var revoked = ApiKey.Generate();
        await using (var db = api.CreateDbContext())
        {
            var row = ApiKey.Create("revoked camera", revoked, DateTimeOffset.UtcNow);
            row.RevokedAt = DateTimeOffset.UtcNow;
            db.ApiKeys.Add(row);
            await db.SaveChangesAsync();
        }
        foreach (var key in new[] { null, "fa_wrong", revoked })
        {
            using var client = api.NewClient(key);
            var body = await Http.ExpectProblemAsync(await client.PostAsync("api/frames", Http.Raw(Photos.Obama)), HttpStatusCode.Unauthorized);
            Assert.Equal("API key required", body.GetProperty("title").GetString());
            await Http.ExpectProblemAsync(await client.GetAsync("api/emotions"), HttpStatusCode.Unauthorized);
            await Http.ExpectProblemAsync(await client.GetAsync($"api/frames/{Guid.NewGuid()}"), HttpStatusCode.Unauthorized);
        }
        // The bootstrap key is stored hashed, never in clear.
        Assert.Equal(1L, await api.ScalarAsync<long>("SELECT count(*) FROM api_keys WHERE hash = @h", ("h", ApiKey.ComputeHash(api.ApiKey))));
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM api_keys WHERE hash = @h OR prefix = @k", ("h", api.ApiKey), ("k", api.ApiKey)));
        await AssertNothingStoredOrQueuedAsync();
    }
}
