using FaceAspire.Core.Contracts;
using FaceAspire.Worker.IntegrationTests.Support;

namespace FaceAspire.Worker.IntegrationTests;

/// <summary>
/// PostgreSQL goes down (a real <c>pg_ctl stop</c> of the test instance) while frames are in flight, for longer than
/// the worker's retries of an ordinary transient error last. The frames wait for it instead of failing.
/// </summary>
public sealed class DatabaseOutageTests(PipelineFixture fx) : IClassFixture<PipelineFixture>
{
    private const int FrameCount = 40;

    [Fact]
    public async Task FramesInFlightWhileTheDatabaseIsDownLongerThanTheRetriesLastAreAllDoneWhenItReturns()
    {
        var frames = TestFrames.SingleFaceVariants(TestFrames.PhotosUnder(TestFrames.KnnTrain), FrameCount);
        // Ordinary transient errors get 2 retries within ~0.3 s here; the outage below lasts 6 s.
        var worker = await fx.StartWorkerAsync("worker", concurrency: 2, new Dictionary<string, string>
        {
            ["Worker__RetryLimit"] = "2",
            ["Worker__RetryMinIntervalMs"] = "100",
            ["Worker__RetryMaxIntervalMs"] = "200",
        });
        var errorsBefore = await fx.QueueDepthAsync(MessagingNames.ErrorQueue(MessagingNames.AnalyzeFrameQueue));
        var ids = new List<Guid>(FrameCount);
        foreach (var frame in frames)
            ids.Add(await fx.IngestAsync(frame, "outage-test"));
        await RedeliveryTests.WaitUntilAsync(() => worker.Count(" done: ") >= 3, TimeSpan.FromMinutes(2), worker);

        await fx.WithDatabaseDownAsync(async () =>
        {
            var doneAtStop = worker.Count(" done: ");
            await Task.Delay(TimeSpan.FromSeconds(6));
            Assert.True(worker.Count(" done: ") <= doneAtStop + 2, "frames were done while the database was down:\n" + worker.Tail());
        });

        await fx.WaitSettledAsync(ids, TimeSpan.FromMinutes(3));
        Assert.Equal(FrameCount, (await fx.StatusCountsAsync(ids)).GetValueOrDefault(FrameStatus.Done));
        Assert.Equal(0L, await fx.FramesWithoutExactlyOneFaceAsync(ids));
        Assert.Equal(errorsBefore, await fx.QueueDepthAsync(MessagingNames.ErrorQueue(MessagingNames.AnalyzeFrameQueue)));
    }
}
