using FaceAspire.Core.Contracts;
using FaceAspire.Worker.IntegrationTests.Support;

namespace FaceAspire.Worker.IntegrationTests;

/// <summary>A worker process dies mid-flight; the other finishes everything, and nothing is stored twice.</summary>
public sealed class CrashTests(PipelineFixture fx) : IClassFixture<PipelineFixture>
{
    private const int FrameCount = 200;

    // Analysis slots per worker: how many frames each can have in flight, and so lose at a SIGKILL.
    private const int Slots = 2;

    [Fact]
    public async Task KillingOneOfTwoWorkersLeavesEveryFrameDoneExactlyOnce()
    {
        var photos = TestFrames.PhotosUnder(TestFrames.KnnTrain)
            .Concat(TestFrames.PhotosUnder(Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(TestFrames.KnnTrain))!)!, "deepface")).Take(40))
            .ToList();
        var frames = TestFrames.SingleFaceVariants(photos, FrameCount);

        var a = await fx.StartWorkerAsync("worker-a", concurrency: Slots);
        var b = await fx.StartWorkerAsync("worker-b", concurrency: Slots);
        var ids = new List<Guid>(FrameCount);
        foreach (var frame in frames)
            ids.Add(await fx.IngestAsync(frame, "crash-test"));
        Assert.Equal(FrameCount, ids.Distinct().Count());

        // Let A get going, then SIGKILL it while it holds prefetched, unacknowledged frames.
        await RedeliveryTests.WaitUntilAsync(() => a.Count(" done: ") >= 10, TimeSpan.FromMinutes(2), a, b);
        a.Kill();
        var doneByA = a.Count(" done: ");

        await fx.WaitSettledAsync(ids, TimeSpan.FromMinutes(5));
        // B stops gracefully, so that its console logger (which writes from a queue on a thread of its own) has written
        // every line before they are counted.
        await b.StopAsync(TimeSpan.FromSeconds(30));
        var status = await fx.StatusCountsAsync(ids);
        Assert.Equal(FrameCount, status.GetValueOrDefault("done"));
        Assert.Equal(0L, await fx.FramesWithoutExactlyOneFaceAsync(ids));
        Assert.Equal(0L, await fx.ScalarAsync<long>(
            "SELECT count(*) FROM frames fr WHERE fr.id = ANY(@ids) AND (SELECT count(*) FROM emotions WHERE frame_id = fr.id) <> 1",
            ("ids", ids.ToArray())));
        Assert.Equal((long)FrameCount, await fx.ScalarAsync<long>("SELECT count(*) FROM faces"));
        Assert.Equal((long)FrameCount, await fx.ScalarAsync<long>("SELECT sum(face_count)::bigint FROM persons"));
        Assert.Equal(0, await fx.QueueDepthAsync(MessagingNames.ErrorQueue(MessagingNames.AnalyzeFrameQueue)));
        // Every frame A did not log as done, B took over: it analysed it, or (when A was killed between its commit and
        // its acknowledgement) found it committed and republished it. A analyses at most 2 frames at once (concurrency
        // 2; the frame it prefetched beyond those was never started, so never committed), so at most 2 can be in that
        // second group.
        var (bDone, bAlreadyDone) = (b.Count(" done: "), b.Count("was already done"));
        var reclaimed = await fx.ScalarAsync<long>("SELECT count(*) FROM frames WHERE id = ANY(@ids) AND attempts > 1", ("ids", ids.ToArray()));
        var takeover = $"A logged {doneByA} done; B {bDone} done, {bAlreadyDone} already done, {reclaimed} claimed again";
        // Evidence the kill hit work in flight: B claimed again a frame A had claimed (A was killed between its claim
        // and its commit), or B found done a frame whose message A never acknowledged (killed between its commit and
        // its acknowledgement, while it waited for the broker's publish confirms). Either is a redelivery; which one
        // the kill hits depends on timing, so the test accepts both.
        Assert.True(reclaimed + bAlreadyDone >= 1, "no frame was redelivered: " + takeover);
        // A's logger can lose what it had queued but not yet written when the SIGKILL came: frames A committed and
        // acknowledged in its last instant, at most one per analysis slot (fresh-clone CI once counted A 12 and B 187
        // of 200, with every frame stored exactly once).
        Assert.True(bDone + bAlreadyDone >= FrameCount - doneByA - Slots, "B did not take over the rest: " + takeover);
        Assert.True(bAlreadyDone <= Slots, "more frames were committed-but-unlogged by A than it had in flight: " + takeover);
    }
}
