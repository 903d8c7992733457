using System.Collections.Concurrent;
using FaceAspire.Core.Contracts;
using FaceAspire.Worker.IntegrationTests.Support;
using MassTransit;

namespace FaceAspire.Worker.IntegrationTests;

/// <summary>
/// The result events through the whole pipeline (ADR 0017): the Worker writes <see cref="FrameAnalyzed"/> and one
/// <see cref="FaceRecognized"/> per face to the outbox with the frame's result, and an outbox relay
/// publishes them; a subscriber bound to both exchanges receives each once, matching the stored rows.
/// </summary>
public sealed class EventTests(PipelineFixture fx) : IClassFixture<PipelineFixture>
{
    [Fact]
    public async Task ASubscriberReceivesEachFramesEventsOnceAndTheyMatchTheStoredFaces()
    {
        var analyzed = new ConcurrentQueue<FrameAnalyzed>();
        var recognized = new ConcurrentQueue<FaceRecognized>();
        // A temporary (auto-delete) queue bound to both event exchanges, bound before anything is published.
        var subscriber = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(new Uri(fx.MessagingUrl));
            cfg.ReceiveEndpoint(new TemporaryEndpointDefinition(), e =>
            {
                e.Handler<FrameAnalyzed>(c => { analyzed.Enqueue(c.Message); return Task.CompletedTask; });
                e.Handler<FaceRecognized>(c => { recognized.Enqueue(c.Message); return Task.CompletedTask; });
            });
        });
        await subscriber.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token);
        try
        {
            var (http, api) = await fx.StartApiAsync();
            var worker = await fx.StartWorkerAsync("worker-1", concurrency: 2);
            var group = await PipelineFixture.PostAsync(http, await File.ReadAllBytesAsync(TestFrames.KnnTest("obama_and_biden.jpg")));
            var single = await PipelineFixture.PostAsync(http,
                await File.ReadAllBytesAsync(TestFrames.PhotosUnder(Path.Combine(TestFrames.KnnTrain, "obama"))[0]));
            await fx.WaitSettledAsync([group, single], TimeSpan.FromMinutes(1));
            var faces = await fx.ScalarAsync<long>("SELECT count(*) FROM faces WHERE frame_id = ANY(@f)", ("f", new[] { group, single }));

            // Events follow the commit; wait for all of them (the worker's relay sends them right after it).
            await RedeliveryTests.WaitUntilAsync(() => analyzed.Count >= 2 && recognized.Count >= faces, TimeSpan.FromSeconds(30), worker, api);
            // A redelivered command for a done frame writes no new events.
            await fx.SendAsync(new AnalyzeFrame(single, "", null, DateTimeOffset.UtcNow));
            await worker.WaitForOutputAsync($"Frame {single} was already done", TimeSpan.FromSeconds(30));
            await Task.Delay(1000);

            Assert.Equal([group, single], analyzed.Select(a => a.FrameId).Order());
            Assert.All(analyzed, a => Assert.Equal((FrameStatus.Done, a.Faces.Count), (a.Status, a.FaceCount)));
            Assert.Equal(faces, recognized.Count);
            Assert.Equal(recognized.Count, recognized.Select(r => r.FaceId).Distinct().Count());
            foreach (var r in recognized)
            {
                // Each event is the stored face: its frame, person and emotion.
                var row = await fx.ScalarAsync<string>("""
                    SELECT f.frame_id || ' ' || f.person_id || ' ' || e.dominant FROM faces f JOIN emotions e ON e.face_id = f.id WHERE f.id = @id
                    """, ("id", r.FaceId));
                Assert.Equal($"{r.FrameId} {r.PersonId} {r.Emotion}", row);
                Assert.Contains(analyzed.Single(a => a.FrameId == r.FrameId).Faces, f => f.FaceId == r.FaceId && f.PersonId == r.PersonId);
            }
            Assert.Equal(0L, await fx.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE dispatched_at IS NULL"));
        }
        finally
        {
            await subscriber.StopAsync();
        }
    }
}
