using FaceAspire.Core.Contracts;
using FaceAspire.Vision.Imaging;
using FaceAspire.Worker.IntegrationTests.Support;
using Npgsql;

namespace FaceAspire.Worker.IntegrationTests;

/// <summary>
/// Permanent errors are recorded once and acknowledged; transient ones are retried; exhausted retries reach the
/// error queue and fail the frame. Each test runs its own worker (stopped at its end) so settings do not leak.
/// </summary>
public sealed class FailureTests(PipelineFixture fx) : IClassFixture<PipelineFixture>
{
    private static readonly string ErrorQueue = MessagingNames.ErrorQueue(MessagingNames.AnalyzeFrameQueue);

    [Fact]
    public async Task ACorruptImageFailsOnceWithAReasonAndNothingReachesTheErrorQueue()
    {
        await using var worker = await PipelineFixture.StartWorkerProcessAsync("worker", fx.WorkerEnvironment(2));
        var errorsBefore = await fx.QueueDepthAsync(ErrorQueue);
        // A real JPEG whose entropy-coded data is overwritten after the headers: claims to be a JPEG, cannot decode.
        var corrupt = await File.ReadAllBytesAsync(TestFrames.KnnTest("obama1.jpg"));
        new Random(7).NextBytes(corrupt.AsSpan(corrupt.Length / 3, corrupt.Length / 3));
        Array.Fill(corrupt, (byte)0xFF, 400, 200);
        var notAnImage = "this is not an image at all"u8.ToArray();
        Assert.ThrowsAny<ImageDecodeException>(() => TestFrames.Analyzer.Analyze(notAnImage));

        var ids = new[] { await fx.IngestAsync(corrupt), await fx.IngestAsync(notAnImage) };
        await fx.WaitSettledAsync(ids, TimeSpan.FromMinutes(1));
        await Task.Delay(1500); // a retry, if any, would show up as a second attempt by now
        foreach (var id in ids)
        {
            Assert.Equal(FrameStatus.Failed, await fx.ScalarAsync<string>("SELECT status FROM frames WHERE id = @f", ("f", id)));
            Assert.Contains("could not be decoded", await fx.ScalarAsync<string>("SELECT error FROM frames WHERE id = @f", ("f", id)));
            Assert.Equal(1, await fx.ScalarAsync<int>("SELECT attempts FROM frames WHERE id = @f", ("f", id)));
        }
        Assert.Equal(0L, await fx.ScalarAsync<long>("SELECT count(*) FROM faces WHERE frame_id = ANY(@ids)", ("ids", ids)));
        Assert.Equal(errorsBefore, await fx.QueueDepthAsync(ErrorQueue));
        Assert.Equal(0, await fx.QueueDepthAsync(MessagingNames.AnalyzeFrameQueue));
    }

    [Fact]
    public async Task AFrameWithoutFacesIsDoneWithZeroFaces()
    {
        await using var worker = await PipelineFixture.StartWorkerProcessAsync("worker", fx.WorkerEnvironment(2));
        using var gray = new RgbImage(640, 480);
        gray.Pixels.Fill(128);
        var id = await fx.IngestAsync(JpegEncoder.Encode(gray, 90));
        await fx.WaitSettledAsync([id], TimeSpan.FromMinutes(1));
        Assert.Equal(FrameStatus.Done, await fx.ScalarAsync<string>("SELECT status FROM frames WHERE id = @f", ("f", id)));
        Assert.Equal(640, await fx.ScalarAsync<int>("SELECT width FROM frames WHERE id = @f", ("f", id)));
        Assert.Equal(0L, await fx.ScalarAsync<long>("SELECT count(*) FROM faces WHERE frame_id = @f", ("f", id)));
    }

    [Fact]
    public async Task ATransientDatabaseErrorIsRetriedUntilTheWriteSucceeds()
    {
        // lock_timeout makes the blocked INSERT fail with 55P03 (lock_not_available, transient) instead of waiting.
        await using var worker = await PipelineFixture.StartWorkerProcessAsync("worker", fx.WorkerEnvironment(1, LockTimeoutSettings(retryLimit: 20)));
        var errorsBefore = await fx.QueueDepthAsync(ErrorQueue);
        await using var owner = await fx.OwnerDataSource.OpenConnectionAsync();
        await using var tx = await owner.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE emotions IN ACCESS EXCLUSIVE MODE", owner, tx))
            await lockTable.ExecuteNonQueryAsync();

        var photo = await File.ReadAllBytesAsync(TestFrames.PhotosUnder(Path.Combine(TestFrames.KnnTrain, "biden"))[0]);
        var id = await fx.IngestAsync(photo);
        // Hold the lock until the worker has started a third time (each retry claims the frame again), then let it through.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await fx.ScalarAsync<int>("SELECT attempts FROM frames WHERE id = @f", ("f", id)) < 3)
        {
            Assert.True(DateTime.UtcNow < deadline, "the worker did not retry:\n" + worker.Tail());
            await Task.Delay(100);
        }
        Assert.Equal(FrameStatus.Processing, await fx.ScalarAsync<string>("SELECT status FROM frames WHERE id = @f", ("f", id)));
        await tx.CommitAsync();

        await fx.WaitSettledAsync([id], TimeSpan.FromMinutes(1));
        Assert.Equal(FrameStatus.Done, await fx.ScalarAsync<string>("SELECT status FROM frames WHERE id = @f", ("f", id)));
        Assert.True(await fx.ScalarAsync<int>("SELECT attempts FROM frames WHERE id = @f", ("f", id)) >= 3);
        var faces = await fx.ScalarAsync<long>("SELECT count(*) FROM faces WHERE frame_id = @f", ("f", id));
        Assert.True(faces >= 1);
        Assert.Equal(faces, await fx.ScalarAsync<long>("SELECT count(*) FROM emotions WHERE frame_id = @f", ("f", id)));
        Assert.Equal(errorsBefore, await fx.QueueDepthAsync(ErrorQueue));
    }

    [Fact]
    public async Task WhenRetriesRunOutTheMessageIsInTheErrorQueueAndTheFrameFailedWithTheReason()
    {
        await using var worker = await PipelineFixture.StartWorkerProcessAsync("worker", fx.WorkerEnvironment(1, LockTimeoutSettings(retryLimit: 2)));
        var errorsBefore = await fx.QueueDepthAsync(ErrorQueue);
        await using var owner = await fx.OwnerDataSource.OpenConnectionAsync();
        await using var tx = await owner.BeginTransactionAsync();
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE emotions IN ACCESS EXCLUSIVE MODE", owner, tx))
            await lockTable.ExecuteNonQueryAsync();

        var photo = await File.ReadAllBytesAsync(TestFrames.PhotosUnder(Path.Combine(TestFrames.KnnTrain, "obama"))[0]);
        var id = await fx.IngestAsync(photo);
        await fx.WaitSettledAsync([id], TimeSpan.FromMinutes(1));
        await tx.RollbackAsync();

        Assert.Equal(FrameStatus.Failed, await fx.ScalarAsync<string>("SELECT status FROM frames WHERE id = @f", ("f", id)));
        var error = await fx.ScalarAsync<string>("SELECT error FROM frames WHERE id = @f", ("f", id));
        Assert.Contains("55P03", error);
        // First try + 2 retries.
        Assert.Equal(3, await fx.ScalarAsync<int>("SELECT attempts FROM frames WHERE id = @f", ("f", id)));
        Assert.Equal(0L, await fx.ScalarAsync<long>("SELECT count(*) FROM faces WHERE frame_id = @f", ("f", id)));
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await fx.QueueDepthAsync(ErrorQueue) == errorsBefore && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        Assert.Equal(errorsBefore + 1, await fx.QueueDepthAsync(ErrorQueue));
    }

    private Dictionary<string, string> LockTimeoutSettings(int retryLimit) => new()
    {
        ["ConnectionStrings__facedb"] = new NpgsqlConnectionStringBuilder(fx.AppConnectionString) { Options = "-c lock_timeout=300" }.ConnectionString,
        ["Worker__RetryLimit"] = retryLimit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Worker__RetryMinIntervalMs"] = "100",
        ["Worker__RetryMaxIntervalMs"] = "400",
    };
}
