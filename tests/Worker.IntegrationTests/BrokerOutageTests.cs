using FaceAspire.Core.Contracts;
using FaceAspire.Worker.IntegrationTests.Support;

namespace FaceAspire.Worker.IntegrationTests;

/// <summary>
/// RabbitMQ goes down for real (its container stops) while frames are in flight, and
/// comes back: every frame is done, each stored once.
/// </summary>
public sealed class BrokerOutageTests(PipelineFixture fx) : IClassFixture<PipelineFixture>
{
    // A backlog that one worker cannot finish before the broker actually stops: rabbitmqctl itself takes 1-2 s to
    // start and the node a few more to close its connections. Frames sent while the worker ran were analysed as fast as
    // they came (~48 frames/s on one core of a faster machine), so 40, and later 120, were sometimes all done by then;
    // hence all frames are queued first, and one frame at a time takes ~6 s for 300.
    private const int FrameCount = 300;

    [Fact]
    public async Task FramesInFlightWhenTheBrokerRestartsAreAllDoneExactlyOnce()
    {
        // The worker loses its channels with frames unacknowledged, and its publishes fail after commits: every frame
        // must come back (durable queue, persistent messages), and one committed before the ack is not stored twice.
        var frames = TestFrames.SingleFaceVariants(TestFrames.PhotosUnder(TestFrames.KnnTrain), FrameCount);
        var ids = new List<Guid>(FrameCount);
        foreach (var frame in frames)
            ids.Add(await fx.IngestAsync(frame, "broker-outage-test"));
        var worker = await fx.StartWorkerAsync("worker-broker", concurrency: 1);
        await RedeliveryTests.WaitUntilAsync(() => worker.Count(" done: ") >= 3, TimeSpan.FromMinutes(2), worker);

        await fx.WithBrokerDownAsync(() => Task.Delay(TimeSpan.FromSeconds(2)));

        await fx.WaitSettledAsync(ids, TimeSpan.FromMinutes(3));
        Assert.Equal(FrameCount, (await fx.StatusCountsAsync(ids)).GetValueOrDefault(FrameStatus.Done));
        Assert.Equal(0L, await fx.FramesWithoutExactlyOneFaceAsync(ids));
        Assert.Equal(0, await fx.QueueDepthAsync(MessagingNames.ErrorQueue(MessagingNames.AnalyzeFrameQueue)));
        // Evidence the outage hit work in flight: a frame was claimed again, or found done and its result republished.
        var claimedAgain = await fx.ScalarAsync<long>("SELECT count(*) FROM frames WHERE id = ANY(@ids) AND attempts > 1", ("ids", ids.ToArray()));
        var republished = worker.Count("was already done");
        Assert.True(claimedAgain + republished >= 1, "no frame was in flight when the broker stopped:\n" + worker.Tail());
    }
}
