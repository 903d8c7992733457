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
        // Store every frame first, then send all commands back to back: four analyses start together, each sees
        // an empty faces table.
        var accepted = new List<FaceAspire.Core.Data.IngestResult>();
        foreach (var frame in frames)
            accepted.Add(await fx.Ingest.AcceptAsync(frame, "image/jpeg", "race", DateTimeOffset.UtcNow, null));
        await Task.WhenAll(accepted.Select(r => fx.SendAsync(new(r.FrameId, r.Sha256, "race", DateTimeOffset.UtcNow))));
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
