using System.Net;
using System.Security.Cryptography;
using FaceAspire.Core.Contracts;
using FaceAspire.Mood.IntegrationTests.Support;
using FaceAspire.Worker.IntegrationTests.Support;

namespace FaceAspire.Mood.IntegrationTests;

/// <summary>
/// The way back for frames that failed for a reason other than their image: a database outage outlasts the worker's
/// retries, the frames end <c>failed</c>, and the <c>reprocess</c> job (requested over the Api) brings them to done.
/// </summary>
public sealed class ReprocessTests(ReprocessTests.Fixture fx) : IClassFixture<ReprocessTests.Fixture>
{
    // The worker is frozen while PostgreSQL stops, so frames are still queued when the outage begins whatever the
    // machine's speed; at most a few are done before the freeze.
    private const int FrameCount = 60;

    /// <summary>One worker that fails a frame at its first database error: no retries and no outage wait.</summary>
    public sealed class Fixture : SystemFixture
    {
        /// <inheritdoc />
        protected override int WorkerCount => 1;

        /// <inheritdoc />
        protected override IReadOnlyDictionary<string, string> WorkerSettings => new Dictionary<string, string>
        {
            ["Worker__RetryLimit"] = "0",
            ["Worker__DatabaseOutageWaitSeconds"] = "0",
        };
    }

    [Fact]
    public async Task FramesFailedByAnOutageAreDoneAfterAReprocessJobAndAnUndecodableOneStaysFailed()
    {
        // An undecodable JPEG first (its header is intact, its image data is noise), then real single-face frames.
        var corrupt = Images.Obama;
        new Random(5).NextBytes(corrupt.AsSpan(corrupt.Length / 3, corrupt.Length / 2));
        var undecodable = await IngestAsync(corrupt);
        var ids = new List<Guid>();
        foreach (var frame in TestFrames.SingleFaceVariants(TestFrames.PhotosUnder(TestFrames.KnnTrain), FrameCount))
            ids.Add(await IngestAsync(frame));
        var worker = fx.Workers[0];
        await worker.WaitUntilAsync(() => Task.FromResult(worker.Count(" done: ") >= 1), TimeSpan.FromMinutes(2), "a frame done");
        Assert.StartsWith(FrameFailures.Undecodable, await fx.ScalarAsync<string>("SELECT error FROM frames WHERE id = @f", ("f", undecodable)));

        // Frozen until PostgreSQL is down: one worker analyses 30-50 frames/s, and without the freeze 12 frames were
        // once all done before the stop script had run.
        worker.Suspend();
        try
        {
            await fx.WithDatabaseDownAsync(async () =>
            {
                worker.Resume();
                await Task.Delay(TimeSpan.FromSeconds(3));
            });
        }
        finally
        {
            worker.Resume();
        }
        await fx.WaitSettledAsync([.. ids, undecodable], TimeSpan.FromMinutes(2));
        // Messages sent again after the outage (a relay whose marks the outage refused sends its batch once more) can
        // still rescue a failed frame: let them all arrive before counting what the job is to requeue.
        await worker.WaitUntilAsync(async () => await fx.ScalarAsync<long>("SELECT count(*) FROM outbox_messages WHERE dispatched_at IS NULL") == 0
                && await fx.QueueDepthAsync(MessagingNames.AnalyzeFrameQueue) == 0,
            TimeSpan.FromMinutes(1), "the outbox and the queue to drain");
        await fx.WaitSettledAsync([.. ids, undecodable], TimeSpan.FromMinutes(2));
        var failed = (await fx.StatusCountsAsync(ids)).GetValueOrDefault(FrameStatus.Failed);
        Assert.True(failed >= 1, "the outage failed no frame:\n" + fx.Diagnostics());
        Assert.Equal((long)failed, await fx.ScalarAsync<long>(
            "SELECT count(*) FROM frames WHERE id = ANY(@ids) AND error LIKE @e", ("ids", ids.ToArray()), ("e", FrameFailures.RetriesExhausted + "%")));

        var accepted = await Images.ExpectAsync(await fx.Client.PostAsync("api/jobs/reprocess", null), HttpStatusCode.Accepted);
        var job = await JobsTests.WaitJobAsync(fx, accepted.GetProperty("id").GetGuid());
        Assert.Equal(failed, job.GetProperty("result").GetProperty("requeued").GetInt32());
        Assert.Equal(1, job.GetProperty("result").GetProperty("skippedImageFailures").GetInt32());

        await fx.WaitSettledAsync([.. ids, undecodable], TimeSpan.FromMinutes(2));
        Assert.Equal(FrameCount, (await fx.StatusCountsAsync(ids)).GetValueOrDefault(FrameStatus.Done));
        Assert.Equal(0L, await fx.FramesWithoutExactlyOneFaceAsync(ids));
        Assert.Equal(FrameStatus.Failed, await fx.ScalarAsync<string>("SELECT status FROM frames WHERE id = @f", ("f", undecodable)));
        Assert.Equal(1, await fx.ScalarAsync<int>("SELECT attempts FROM frames WHERE id = @f", ("f", undecodable)));
    }

    [Fact]
    public async Task WithStuckMinutesAFrameProcessingForLongerIsQueuedAgainAndARecentOneIsLeftAlone()
    {
        // Frames whose message is gone: one claimed 2 hours ago, one just now. Neither has a message to deliver.
        var photo = Images.Obama;
        var stuck = Guid.CreateVersion7();
        var recent = Guid.CreateVersion7();
        await ExecuteAsync("""
            INSERT INTO frames (id, sha256, source, captured_at, received_at, status, attempts, claimed_at)
            VALUES (@id, @sha, 'stuck-test', now(), now() - interval '3 hours', 'processing', 1, now() - interval '2 hours');
            INSERT INTO frame_images (frame_id, content, content_type) VALUES (@id, @bytes, 'image/jpeg');
            INSERT INTO frames (id, sha256, source, captured_at, status, attempts, claimed_at)
            VALUES (@recent, @recentSha, 'stuck-test', now(), 'processing', 1, now());
            """, ("id", stuck), ("sha", Convert.ToHexStringLower(SHA256.HashData(photo))), ("bytes", photo),
            ("recent", recent), ("recentSha", Guid.NewGuid().ToString("N")));

        var accepted = await Images.ExpectAsync(await fx.Client.PostAsync("api/jobs/reprocess", Images.Json(new { stuckMinutes = 60 })),
            HttpStatusCode.Accepted);
        var result = (await JobsTests.WaitJobAsync(fx, accepted.GetProperty("id").GetGuid())).GetProperty("result");
        Assert.Equal(1, result.GetProperty("requeued").GetInt32());
        Assert.Equal(1, result.GetProperty("stuck").GetInt32());

        await fx.WaitSettledAsync([stuck], TimeSpan.FromMinutes(1));
        Assert.Equal(FrameStatus.Done, await fx.ScalarAsync<string>("SELECT status FROM frames WHERE id = @f", ("f", stuck)));
        Assert.Equal(1L, await fx.ScalarAsync<long>("SELECT count(*) FROM faces WHERE frame_id = @f", ("f", stuck)));
        Assert.Equal(FrameStatus.Processing, await fx.ScalarAsync<string>("SELECT status FROM frames WHERE id = @f", ("f", recent)));
    }

    private async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = fx.AppDataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Accepts an image as the Api does (frame row, bytes and outbox message); a relay sends it.</summary>
    private async Task<Guid> IngestAsync(byte[] image) =>
        (await fx.Ingest.AcceptAsync(image, "image/jpeg", "reprocess-test", DateTimeOffset.UtcNow, null)).FrameId;
}
