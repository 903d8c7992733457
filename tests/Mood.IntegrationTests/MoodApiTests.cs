using System.Diagnostics;
using System.Net;
using System.Text.Json;
using FaceAspire.Core.Contracts;
using FaceAspire.Mood.IntegrationTests.Support;
using Xunit.Abstractions;

namespace FaceAspire.Mood.IntegrationTests;

/// <summary>The learner-mood API through the real Api process and two worker processes.</summary>
public sealed class MoodApiTests(SystemFixture fx, ITestOutputHelper output) : IClassFixture<SystemFixture>
{
    private Task<HttpResponseMessage> PostMood(object body) => fx.Client.PostAsync("api/analyze-mood", Images.Json(body));

    [Fact]
    public async Task ASmilingObamaIsHappyAndHighlyEngaged()
    {
        var body = await Images.ExpectAsync(await PostMood(new { image = Images.DataUrl(Images.Obama), timestamp = "2026-11-20T10:00:00Z" }), HttpStatusCode.OK);
        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.Equal("happy", body.GetProperty("dominant_emotion").GetString());
        var emotions = body.GetProperty("emotions");
        Assert.Equal(EmotionLabels.All.Order(), emotions.EnumerateObject().Select(p => p.Name).Order());
        Assert.InRange(emotions.EnumerateObject().Sum(p => p.Value.GetDouble()), 99.0, 101.0);
        Assert.True(body.GetProperty("engagement_score").GetDouble() >= 70, body.ToString());
        Assert.Equal("highly_engaged", body.GetProperty("engagement_status").GetString());
        Assert.NotEmpty(body.GetProperty("recommendations").EnumerateArray());
        Assert.True(body.GetProperty("face").GetProperty("w").GetDouble() > 40);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero), body.GetProperty("timestamp").GetDateTimeOffset());
        Assert.Contains(body.GetProperty("gender").GetString(), new[] { "male", "female" });
    }

    [Fact]
    public async Task BadRequestsAreAnsweredWithTheRightStatus()
    {
        var missing = await Images.ExpectAsync(await PostMood(new { timestamp = "2026-11-20T10:00:00Z" }), HttpStatusCode.BadRequest);
        Assert.False(missing.GetProperty("success").GetBoolean());
        await Images.ExpectAsync(await PostMood(new { image = "this is *not* base64!" }), HttpStatusCode.BadRequest);
        await Images.ExpectAsync(await fx.Client.PostAsync("api/analyze-mood", new StringContent("")), HttpStatusCode.BadRequest);

        var noFace = await Images.ExpectAsync(await PostMood(new { image = Convert.ToBase64String(Images.NoFace()) }), HttpStatusCode.UnprocessableEntity);
        Assert.False(noFace.GetProperty("success").GetBoolean());
        Assert.Equal("no_face", noFace.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(noFace.GetProperty("message").GetString()));

        var tiny = Images.WithFaceOf(Images.Obama, 26);
        Assert.Single(Worker.IntegrationTests.Support.TestFrames.Analyzer.Analyze(tiny).Faces); // found, but small
        var small = await Images.ExpectAsync(await PostMood(new { image = Convert.ToBase64String(tiny) }), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("face_too_small", small.GetProperty("code").GetString());
        Assert.False(small.GetProperty("success").GetBoolean());
    }

    [Fact]
    public async Task ABatchIsSummarisedAndEachFrameReported()
    {
        var frames = new object[]
        {
            new { image = Convert.ToBase64String(Images.Obama) },
            new { image = Convert.ToBase64String(Images.Shared("identities/face_recognition/knn_examples/train/biden/biden.jpg")) },
            new { image = Convert.ToBase64String(Images.NoFace()) },
            new { image = Convert.ToBase64String(Images.Shared("identities/face_recognition/obama2.jpg")) },
            new { image = "%%%" },
        };
        var body = await Images.ExpectAsync(await fx.Client.PostAsync("api/batch-analyze-mood", Images.Json(new { frames })), HttpStatusCode.OK);
        var summary = body.GetProperty("summary");
        Assert.Equal(5, summary.GetProperty("frames").GetInt32());
        Assert.Equal(3, summary.GetProperty("analyzed").GetInt32());
        Assert.Equal(2, summary.GetProperty("failed").GetInt32());
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal([0, 1, 2, 3, 4], results.Select(r => r.GetProperty("index").GetInt32()));
        Assert.Equal(422, results[2].GetProperty("status").GetInt32());
        Assert.Equal(400, results[4].GetProperty("status").GetInt32());
        var scores = results.Where(r => r.GetProperty("success").GetBoolean())
            .Select(r => r.GetProperty("result").GetProperty("engagement_score").GetDouble()).ToList();
        Assert.Equal(Math.Round(scores.Average(), 2), summary.GetProperty("mean_engagement_score").GetDouble(), 2);
        Assert.Equal(3, summary.GetProperty("status_distribution").EnumerateObject().Sum(p => p.Value.GetInt32()));
        Assert.Contains(summary.GetProperty("dominant_emotion").GetString(), EmotionLabels.All);
    }

    [Fact]
    public async Task ASessionIsStoredAndItsTimelineHasARollingScore()
    {
        var session = "lesson-" + Guid.NewGuid().ToString("N")[..8];
        var photos = new[] { Images.Obama, Images.Shared("identities/face_recognition/knn_examples/train/biden/biden.jpg"), Images.Shared("identities/face_recognition/obama2.jpg") };
        var scores = new List<double>();
        for (var i = 0; i < photos.Length; i++)
        {
            // Posted out of order: the timeline is ordered by timestamp, not by arrival.
            var stamp = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero).AddSeconds(10 * (photos.Length - i));
            var r = await Images.ExpectAsync(await PostMood(new { image = Convert.ToBase64String(photos[i]), timestamp = stamp, session }), HttpStatusCode.OK);
            scores.Insert(0, r.GetProperty("engagement_score").GetDouble());
        }
        await Images.ExpectAsync(await PostMood(new { image = Convert.ToBase64String(Images.NoFace()), session }), HttpStatusCode.UnprocessableEntity);

        var body = await Images.ExpectAsync(await fx.Client.GetAsync($"api/sessions/{session}/engagement"), HttpStatusCode.OK);
        Assert.Equal(3, body.GetProperty("count").GetInt32());
        var timeline = body.GetProperty("timeline").EnumerateArray().ToList();
        // Stored as real (float4): equal to 2 decimals.
        Assert.Equal(scores, timeline.Select(p => Math.Round(p.GetProperty("engagement_score").GetDouble(), 2)).ToList());
        Assert.True(timeline.Select(p => p.GetProperty("timestamp").GetDateTimeOffset()).SequenceEqual(
            timeline.Select(p => p.GetProperty("timestamp").GetDateTimeOffset()).Order()));
        var stored = timeline.Select(p => p.GetProperty("engagement_score").GetDouble()).ToList();
        double ema = stored[0];
        foreach (var s in stored.Skip(1))
            ema = 0.3 * s + 0.7 * ema;
        Assert.Equal(Math.Round(ema, 2), body.GetProperty("rolling_score").GetDouble(), 2);
        Assert.Equal(Math.Round(scores.Average(), 2), body.GetProperty("mean_score").GetDouble(), 2);
        await Images.ExpectAsync(await fx.Client.GetAsync("api/sessions/nobody-here/engagement"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task LatencyOfOneHundredMoodRequests()
    {
        var frame = Worker.IntegrationTests.Support.TestFrames.Webcam640(Images.Obama, 1)!;
        var body = JsonSerializer.Serialize(new { image = Convert.ToBase64String(frame) });
        for (var i = 0; i < 5; i++) // warm-up: JIT, ONNX first runs, connections
            (await fx.Client.PostAsync("api/analyze-mood", new StringContent(body, System.Text.Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        var ms = new List<double>();
        for (var i = 0; i < 100; i++)
        {
            var sw = Stopwatch.StartNew();
            var response = await fx.Client.PostAsync("api/analyze-mood", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            sw.Stop();
            response.EnsureSuccessStatusCode();
            ms.Add(sw.Elapsed.TotalMilliseconds);
        }
        ms.Sort();
        var p50 = ms[49];
        var p95 = ms[94];
        var line = $"FIGURE mood API latency, 100 sequential requests (640x480 JPEG, 2 workers): p50 {p50:F1} ms, p95 {p95:F1} ms, max {ms[^1]:F1} ms";
        output.WriteLine(line);
        Figures.Write("mood-latency", line);
        Assert.True(p95 < 5000, line);
    }
}
