using FaceAspire.Worker.IntegrationTests.Support;

namespace FaceAspire.Worker.IntegrationTests;

/// <summary>Several processes seeing the same new face at once must create one person.</summary>
public sealed class RaceTests(PipelineFixture fx) : IClassFixture<PipelineFixture>
{
    [Fact]
    public async Task TwoWorkersRacingOnTwentyPhotosOfOneNewPersonCreateOnePerson()
    {
        var frames = TestFrames.SingleFaceVariants(TestFrames.PhotosUnder(Path.Combine(TestFrames.KnnTrain, "obama")), 20);
        var a = await fx.StartWorkerAsync("worker-a", concurrency: 2);
        var b = await fx.StartWorkerAsync("worker-b", concurrency: 2);
        // Every frame in one statement, so one outbox batch: the relays send all commands back to back, and four
        // analyses start together, each seeing an empty faces table.
        var accepted = await fx.Ingest.AcceptManyAsync(
            [.. frames.Select(frame => new FaceAspire.Core.Data.IngestItem(frame, "image/jpeg", "race", DateTimeOffset.UtcNow, null))]);
        var ids = accepted.Select(r => r.FrameId).ToList();

        await fx.WaitSettledAsync(ids, TimeSpan.FromMinutes(3));
        Assert.Equal(20, (await fx.StatusCountsAsync(ids)).GetValueOrDefault("done"));
        Assert.Equal(20L, await fx.ScalarAsync<long>("SELECT count(*) FROM faces"));
        Assert.Equal(1L, await fx.ScalarAsync<long>("SELECT count(*) FROM persons"));
        Assert.Equal(20, await fx.ScalarAsync<int>("SELECT face_count FROM persons"));
        Assert.Equal(1L, await fx.ScalarAsync<long>("SELECT count(*) FROM faces WHERE new_person"));
        // Both processes did part of the work (otherwise there was no race).
        Assert.True(a.Count(" done: ") > 0 && b.Count(" done: ") > 0, a.Tail() + "\n" + b.Tail());
    }
}
