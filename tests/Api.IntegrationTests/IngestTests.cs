using FaceAspire.Core.Security;
using FaceAspire.Testing;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;

namespace FaceAspire.Api.IntegrationTests;

/// <summary>POST /api/frames on the real Api: frames stored, AnalyzeFrame messages in the broker, idempotency.</summary>
public sealed class IngestTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    [Fact]
    public async Task PostingARealPhotoReturns202AndStoresTheFrameAndQueuesOneAnalyzeFrame()
    {
        var photo = Photos.Variant(Photos.Obama, "single");
        var response = await api.Client.PostAsync("api/frames?source=door-cam", Http.Raw(photo));
        var accepted = Assert.Single(await Http.ExpectAcceptedAsync(response));

        Assert.False(accepted.Duplicate);
        Assert.Equal("queued", accepted.Status);
        Assert.Equal($"/api/frames/{accepted.Id}", accepted.StatusUrl);
        Assert.Equal(accepted.StatusUrl, response.Headers.Location?.ToString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(photo)),
            await api.ScalarAsync<string>("SELECT sha256 FROM frames WHERE id = @id", ("id", accepted.Id)));
        Assert.Equal("door-cam", await api.ScalarAsync<string>("SELECT source FROM frames WHERE id = @id", ("id", accepted.Id)));
        Assert.Equal(photo, TestEncryption.Sealer.Open(await api.ScalarAsync<byte[]>("SELECT content FROM frame_images WHERE frame_id = @id", ("id", accepted.Id)), SealedColumns.FrameContent));
        Assert.Equal("image/jpeg", await api.ScalarAsync<string>("SELECT content_type FROM frame_images WHERE frame_id = @id", ("id", accepted.Id)));
        // Stored sealed: the database holds ciphertext, not the photo (docs/security.md).
        var stored = await api.ScalarAsync<byte[]>("SELECT content FROM frame_images WHERE frame_id = @id", ("id", accepted.Id));
        Assert.True(ImageSealer.IsSealed(stored));
        Assert.Equal(-1, stored.AsSpan().IndexOf(photo.AsSpan(0, 64)));

        await api.AssertQueuedOnceAsync(accepted.Id);
        // Dispatched rows are marked in the same transaction that saw the broker confirm.
        Assert.Equal(0L, await api.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE dispatched_at IS NULL"));
    }

    [Fact]
    public async Task PostingTheSameBytesTwiceInAnyShapeGivesOneFrameAndOneMessage()
    {
        var photo = Photos.Variant(Photos.Biden, "twice");
        var first = Assert.Single(await Http.ExpectAcceptedAsync(await api.Client.PostAsync("api/frames", Http.Raw(photo))));
        var second = Assert.Single(await Http.ExpectAcceptedAsync(await api.Client.PostAsync("api/frames", Http.Multipart((photo, "again.jpg")))));
        var third = Assert.Single(await Http.ExpectAcceptedAsync(await api.Client.PostAsync("api/frames",
            Http.JsonBody(new { image = Convert.ToBase64String(photo) }))));

        Assert.False(first.Duplicate);
        Assert.True(second.Duplicate);
        Assert.True(third.Duplicate);
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.Id, third.Id);
        var sha = Convert.ToHexStringLower(SHA256.HashData(photo));
        Assert.Equal(1L, await api.ScalarAsync<long>("SELECT count(*) FROM frames WHERE sha256 = @s", ("s", sha)));
        await api.AssertQueuedOnceAsync(first.Id);
    }

    [Fact]
    public async Task ConcurrentPostsOfTheSameBytesGetOneFrameId()
    {
        var photo = Photos.Variant(Photos.Couple, "race");
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => api.Client.PostAsync("api/frames", Http.Raw(photo))));
        var ids = new List<Guid>();
        foreach (var r in responses)
            ids.Add(Assert.Single(await Http.ExpectAcceptedAsync(r)).Id);

        Assert.Single(ids.Distinct());
        await api.AssertQueuedOnceAsync(ids[0]);
    }

    [Fact]
    public async Task ConcurrentPostsOfDistinctPhotosAreCommittedTogetherEachWithItsOwnFrameAndMessage()
    {
        // 40 at once: the group commit writes several per statement; each keeps its own frame, bytes and message.
        var photos = Enumerable.Range(0, 40).Select(i => Photos.Variant(Photos.Obama, $"together-{i}")).ToList();
        var responses = await Task.WhenAll(photos.Select(p => api.Client.PostAsync("api/frames?source=together", Http.Raw(p))));
        var accepted = new List<Http.Accepted>();
        foreach (var r in responses)
            accepted.Add(Assert.Single(await Http.ExpectAcceptedAsync(r)));

        Assert.All(accepted, a => Assert.False(a.Duplicate));
        Assert.Equal(40, accepted.Select(a => a.Id).Distinct().Count());
        for (var i = 0; i < photos.Count; i++)
            Assert.Equal(photos[i], TestEncryption.Sealer.Open(await api.ScalarAsync<byte[]>("SELECT content FROM frame_images WHERE frame_id = @id", ("id", accepted[i].Id)), SealedColumns.FrameContent));
        await api.AssertQueuedOnceAsync([.. accepted.Select(a => a.Id)]);
    }

    [Fact]
    public async Task MultipartWithThreeFilesReturnsThreeIdsInOrder()
    {
        var files = new[] { (Photos.Variant(Photos.Obama, "m1"), "a.jpg"), (Photos.Variant(Photos.Couple, "m2"), "b.jpg"), (Photos.Png, "c.png") };
        var response = await api.Client.PostAsync("api/frames", Http.Multipart("upload-form", "2024-05-01T12:00:00+02:00", files));
        var accepted = await Http.ExpectAcceptedAsync(response);

        Assert.Equal(3, accepted.Select(a => a.Id).Distinct().Count());
        Assert.Null(response.Headers.Location);
        Assert.Equal("image/png", await api.ScalarAsync<string>("SELECT content_type FROM frame_images WHERE frame_id = @id", ("id", accepted[2].Id)));
        Assert.Equal(new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero),
            await api.ScalarAsync<DateTimeOffset>("SELECT captured_at FROM frames WHERE id = @id", ("id", accepted[0].Id)));
        var metadata = JsonDocument.Parse(await api.ScalarAsync<string>("SELECT metadata::text FROM frames WHERE id = @id", ("id", accepted[1].Id))).RootElement;
        Assert.Equal("b.jpg", metadata.GetProperty("fileName").GetString());
        Assert.Equal("upload-form", metadata.GetProperty("source").GetString());
        Assert.Equal("client", metadata.GetProperty("capturedAtOrigin").GetString());
        await api.AssertQueuedOnceAsync([.. accepted.Select(a => a.Id)]);
    }

    [Fact]
    public async Task JsonWithBase64OrADataUrlIsAcceptedWithItsTimestampAndSource()
    {
        var plain = Photos.Variant(Photos.Obama, "json-plain");
        var dataUrl = Photos.Variant(Photos.Obama, "json-data-url");
        var a = Assert.Single(await Http.ExpectAcceptedAsync(await api.Client.PostAsync("api/frames",
            Http.JsonBody(new { image = Convert.ToBase64String(plain), timestamp = 1_700_000_000_000L, source = "json-cam" }))));
        var b = Assert.Single(await Http.ExpectAcceptedAsync(await api.Client.PostAsync("api/frames",
            Http.JsonBody(new { image = "data:image/jpeg;base64," + Convert.ToBase64String(dataUrl), timestamp = "2023-01-02T03:04:05Z" }))));

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000),
            await api.ScalarAsync<DateTimeOffset>("SELECT captured_at FROM frames WHERE id = @id", ("id", a.Id)));
        Assert.Equal("json-cam", await api.ScalarAsync<string>("SELECT source FROM frames WHERE id = @id", ("id", a.Id)));
        Assert.Equal(dataUrl, TestEncryption.Sealer.Open(await api.ScalarAsync<byte[]>("SELECT content FROM frame_images WHERE frame_id = @id", ("id", b.Id)), SealedColumns.FrameContent));
        Assert.Equal(new DateTimeOffset(2023, 1, 2, 3, 4, 5, TimeSpan.Zero),
            await api.ScalarAsync<DateTimeOffset>("SELECT captured_at FROM frames WHERE id = @id", ("id", b.Id)));
        await api.AssertQueuedOnceAsync(a.Id, b.Id);
    }

    [Fact]
    public async Task ExifDateTimeOriginalWinsOverTheClientTimestampAndCameraIsKept()
    {
        var response = await api.Client.PostAsync("api/frames?timestamp=2020-01-01T00:00:00Z", Http.Raw(Photos.CanonWithExif));
        var accepted = Assert.Single(await Http.ExpectAcceptedAsync(response));

        Assert.Equal(new DateTimeOffset(2016, 8, 5, 12, 0, 45, TimeSpan.Zero),
            await api.ScalarAsync<DateTimeOffset>("SELECT captured_at FROM frames WHERE id = @id", ("id", accepted.Id)));
        var frame = JsonDocument.Parse(await (await api.Client.GetAsync(accepted.StatusUrl.TrimStart('/'))).Content.ReadAsStringAsync()).RootElement;
        var metadata = frame.GetProperty("metadata");
        Assert.Equal("exif", metadata.GetProperty("capturedAtOrigin").GetString());
        Assert.Equal("Canon EOS 5D Mark III", metadata.GetProperty("exif").GetProperty("cameraModel").GetString());
        Assert.Equal("2016:08:05 12:00:45", metadata.GetProperty("exif").GetProperty("dateTimeOriginal").GetString());
        Assert.Equal("2020-01-01T00:00:00+00:00", metadata.GetProperty("clientTimestamp").GetString());
        Assert.Equal("queued", frame.GetProperty("status").GetString());
        await api.AssertQueuedOnceAsync(accepted.Id);
    }

    [Fact]
    public async Task HealthAliveAndOpenApiNeedNoKey()
    {
        using var anonymous = api.NewClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("alive")).StatusCode);
        var openApi = JsonDocument.Parse(await anonymous.GetStringAsync("openapi/v1.json")).RootElement;
        var post = openApi.GetProperty("paths").GetProperty("/api/frames").GetProperty("post");
        Assert.Equal("PostFrames", post.GetProperty("operationId").GetString());
        Assert.True(post.GetProperty("requestBody").GetProperty("content").TryGetProperty("multipart/form-data", out _));
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/api/emotions", out _));
    }
}
