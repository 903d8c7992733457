using FaceAspire.ApiClient;
using Microsoft.Extensions.DependencyInjection;

namespace FaceAspire.Api.IntegrationTests;

/// <summary>The shared typed client (FaceAspire.ApiClient, used by the admin and the CLI) against the real Api.</summary>
public sealed class ApiClientTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private ServiceProvider Client(string? key, out FaceAspireApiClient client)
    {
        var services = new ServiceCollection();
        services.AddFaceAspireApiClient(o =>
        {
            o.BaseAddress = api.BaseAddress;
            o.ApiKey = key;
        });
        var provider = services.BuildServiceProvider();
        client = provider.GetRequiredService<FaceAspireApiClient>();
        return provider;
    }

    [Fact]
    public async Task APostedPhotoComesBackAsAQueuedFrameAndTheSameBytesAsADuplicate()
    {
        using var _ = Client(api.ApiKey, out var client);
        var photo = Photos.Variant(Photos.Obama, "api-client");

        var accepted = await client.PostFrameAsync(photo, "image/jpeg", "obama.jpg", source: "client-test", path: "/photos/obama.jpg",
            timestamp: DateTimeOffset.Parse("2026-01-02T03:04:05Z"));
        var again = await client.PostRawFrameAsync(photo, "image/jpeg");
        var frame = await client.GetFrameAsync(accepted.Id);

        Assert.Equal(("queued", false), (accepted.Status, accepted.Duplicate));
        Assert.Equal((accepted.Id, true), (again.Id, again.Duplicate));
        Assert.NotNull(frame);
        Assert.Equal(("client-test", DateTimeOffset.Parse("2026-01-02T03:04:05Z")), (frame.Source, frame.CapturedAt));
        Assert.Equal("obama.jpg", frame.Metadata?.GetProperty("fileName").GetString());
        Assert.Null(await client.GetFrameAsync(Guid.NewGuid()));
    }

    [Fact]
    public async Task RefusalsSurfaceAsProblemsWithTheirStatusAndTitle()
    {
        using var _ = Client(api.ApiKey, out var client);
        var notAnImage = await Assert.ThrowsAsync<ApiProblemException>(() =>
            client.PostFrameAsync("not an image"u8.ToArray(), "image/jpeg", "note.jpg"));
        Assert.Equal(415, notAnImage.Status);

        using var __ = Client("fa_wrong", out var wrongKey);
        var unauthorized = await Assert.ThrowsAsync<ApiProblemException>(() => wrongKey.ListJobsAsync());
        Assert.Equal(401, unauthorized.Status);

        var unknownJob = await Assert.ThrowsAsync<ApiProblemException>(() => client.RequestJobAsync("defragment"));
        Assert.Equal((400, "Unknown job kind"), (unknownJob.Status, unknownJob.Title));
    }
}
