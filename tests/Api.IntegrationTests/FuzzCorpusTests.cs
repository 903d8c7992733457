using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FaceAspire.Testing;

namespace FaceAspire.Api.IntegrationTests;

/// <summary>
/// The decoder fuzzer's corpus (<see cref="ImageMutator"/>) and malformed requests against the real Api: every answer
/// is 202 (the header is sound; a worker will decide the rest) or a 4xx naming the problem, never a 5xx, and the Api
/// keeps answering.
/// </summary>
public sealed class FuzzCorpusTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private static readonly HttpStatusCode[] Acceptable =
        [HttpStatusCode.Accepted, HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.UnsupportedMediaType];

    [Fact]
    public async Task MutatedImagesGet202OrA4xxNeverA5xxAndTheApiStaysUp()
    {
        var mutator = new ImageMutator(FuzzSeeds.Load(), seed: 11);
        var statuses = new Dictionary<HttpStatusCode, int>();
        var wrong = new List<string>();
        for (var i = 0; i < 300; i++)
        {
            var (data, description) = mutator.Case(i);
            using var body = new ByteArrayContent(data) { Headers = { ContentType = new MediaTypeHeaderValue(i % 2 == 0 ? "image/jpeg" : "image/png") } };
            using var response = await api.Client.PostAsync("api/frames", body);
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
            if (!Acceptable.Contains(response.StatusCode))
                wrong.Add($"case {i} ({description}): {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            else if (response.StatusCode != HttpStatusCode.Accepted)
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.True(wrong.Count == 0, string.Join('\n', wrong.Take(10)));
        Assert.True(statuses.Count > 2, string.Join(", ", statuses)); // the corpus reaches several verdicts
        Assert.Equal(HttpStatusCode.OK, (await api.NewClient().GetAsync("health")).StatusCode);
    }

    [Fact]
    public async Task AMultipartBodyWhoseBoundaryDoesNotMatchItsHeaderIs400()
    {
        var body = new StringContent("--other\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\nxx\r\n--other--\r\n", Encoding.ASCII);
        body.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=declared");
        using var response = await api.Client.PostAsync("api/frames", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
