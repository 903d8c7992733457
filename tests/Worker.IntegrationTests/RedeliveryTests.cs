using FaceAspire.Core.Contracts;
using FaceAspire.Testing;
using FaceAspire.Worker.IntegrationTests.Support;

namespace FaceAspire.Worker.IntegrationTests;

/// <summary>At-least-once delivery must not mean twice-stored rows.</summary>
public sealed class RedeliveryTests(PipelineFixture fx) : IClassFixture<PipelineFixture>
{
    [Fact]
    public async Task TheSameFrameDeliveredSeveralTimesIsStoredOnce()
    {
        var worker = await fx.StartWorkerAsync("worker-1", concurrency: 2);
        var photo = await File.ReadAllBytesAsync(TestFrames.PhotosUnder(Path.Combine(TestFrames.KnnTrain, "kit_harington"))[0]);
        var expectedFaces = TestFrames.CountFaces(photo);
        var accepted = await fx.Ingest.AcceptAsync(photo, "image/jpeg", "cam", DateTimeOffset.UtcNow, null);
        var message = new AnalyzeFrame(accepted.FrameId, accepted.Sha256, "cam", DateTimeOffset.UtcNow);
        // Two copies at once besides the outbox's own (concurrency 2: copies may be analysed in parallel, one write must
        // lose the race) ...
        await fx.SendAsync(message);
        await fx.SendAsync(message);
        await fx.WaitSettledAsync([accepted.FrameId], TimeSpan.FromMinutes(1));
        await worker.WaitForOutputAsync("Frame " + accepted.FrameId, TimeSpan.FromSeconds(30));
        // ... and one more after it is done.
        await fx.SendAsync(message);
        await WaitUntilAsync(() => worker.Count(accepted.FrameId.ToString()) >= 3, TimeSpan.FromSeconds(30), worker);

        var frame = ("f", (object)accepted.FrameId);
        Assert.Equal(FrameStatus.Done, await fx.ScalarAsync<string>("SELECT status FROM frames WHERE id = @f", frame));
        Assert.Equal((long)expectedFaces, await fx.ScalarAsync<long>("SELECT count(*) FROM faces WHERE frame_id = @f", frame));
        Assert.Equal((long)expectedFaces, await fx.ScalarAsync<long>("SELECT count(*) FROM emotions WHERE frame_id = @f", frame));
        // This frame's persons only: the class's other test stores a frame the worker's relay sends too.
        Assert.Equal((long)expectedFaces, await fx.ScalarAsync<long>("SELECT count(DISTINCT person_id) FROM faces WHERE frame_id = @f", frame));
        Assert.Equal((long)expectedFaces, await fx.ScalarAsync<long>(
            "SELECT sum(face_count)::bigint FROM persons WHERE id IN (SELECT person_id FROM faces WHERE frame_id = @f)", frame));
        Assert.Equal(0, await fx.QueueDepthAsync(MessagingNames.ErrorQueue(MessagingNames.AnalyzeFrameQueue)));
    }

    [Fact]
    public async Task PostingTheSameBytesTwiceGivesOneFrame()
    {
        var photo = await File.ReadAllBytesAsync(TestFrames.PhotosUnder(Path.Combine(TestFrames.KnnTrain, "rose_leslie"))[0]);
        var a = await fx.Ingest.AcceptAsync(photo, "image/jpeg", null, DateTimeOffset.UtcNow, null);
        var b = await fx.Ingest.AcceptAsync(photo, "image/jpeg", null, DateTimeOffset.UtcNow, null);
        Assert.Equal(a.FrameId, b.FrameId);
        Assert.False(b.Created);
        Assert.Equal(1L, await fx.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE body->>'frameId' = @f", ("f", a.FrameId.ToString())));
    }

    internal static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, params ServiceProcess[] workers)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException("condition not met:\n" + string.Join("\n", workers.Select(w => w.Tail())));
            await Task.Delay(100);
        }
    }
}
