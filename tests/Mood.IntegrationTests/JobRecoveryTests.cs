using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using FaceAspire.Core.Contracts;
using FaceAspire.Core.Jobs;
using FaceAspire.Mood.IntegrationTests.Support;
using Npgsql;

namespace FaceAspire.Mood.IntegrationTests;

/// <summary>
/// A maintenance job that meets a database outage is run again once the database returns, instead of being left
/// queued or running for good (which, through one active job per kind, blocked its kind); and an interrupted
/// concurrent reindex leaves nothing behind. Real <c>pg_ctl stop</c>s of the test instance.
/// </summary>
public sealed class JobRecoveryTests(JobRecoveryTests.Fixture fx) : IClassFixture<JobRecoveryTests.Fixture>
{
    /// <summary>One worker with the default outage wait, and the owner connection (the concurrent reindex).</summary>
    public sealed class Fixture : SystemFixture
    {
        /// <inheritdoc />
        protected override int WorkerCount => 1;

        /// <inheritdoc />
        protected override IReadOnlyDictionary<string, string> WorkerSettings => new Dictionary<string, string>
        {
            ["ConnectionStrings__facedb-owner"] = OwnerConnectionString,
        };
    }

    [Fact]
    public async Task AJobDeliveredWhileTheDatabaseIsDownRunsWhenItReturns()
    {
        var request = await new JobStore(fx.AppDataSource).RequestAsync(JobKinds.Reprocess, "test", null, viaOutbox: false);

        await fx.WithDatabaseDownAsync(async () =>
        {
            await fx.SendAsync(new RunJob(request.JobId, JobKinds.Reprocess), MessagingNames.RunJobQueue);
            await Task.Delay(TimeSpan.FromSeconds(3));
        });

        var job = await JobsTests.WaitJobAsync(fx, request.JobId);
        Assert.Equal(0, job.GetProperty("result").GetProperty("requeued").GetInt32());
    }

    [Fact]
    public async Task AJobCutOffByAnOutageInTheMiddleRunsAgainFromTheStartAndFinishes()
    {
        // A failed frame that the reprocess job will requeue; the test holds its row lock, so the job's UPDATE waits
        // for it, and the database stops while the job is in the middle of its work.
        var photo = Images.Obama;
        var frameId = await InsertFailedFrameAsync(photo);
        var request = await new JobStore(fx.AppDataSource).RequestAsync(JobKinds.Reprocess, "test", null, viaOutbox: false);
        await using (var holder = await fx.AppDataSource.OpenConnectionAsync())
        {
            await using var transaction = await holder.BeginTransactionAsync();
            await using (var lockRow = new NpgsqlCommand("SELECT 1 FROM frames WHERE id = @id FOR UPDATE", holder, transaction))
            {
                lockRow.Parameters.AddWithValue("id", frameId);
                await lockRow.ExecuteNonQueryAsync();
            }
            await fx.SendAsync(new RunJob(request.JobId, JobKinds.Reprocess), MessagingNames.RunJobQueue);
            await fx.Workers[0].WaitUntilAsync(() => fx.ScalarAsync<bool>(
                    "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE frames f SET status%')"),
                TimeSpan.FromMinutes(1), "the job's UPDATE waiting for the row lock");

            await fx.WithDatabaseDownAsync(() => Task.Delay(TimeSpan.FromSeconds(2)));
        }

        var job = await JobsTests.WaitJobAsync(fx, request.JobId);
        Assert.Equal(1, job.GetProperty("result").GetProperty("requeued").GetInt32());
        await fx.WaitSettledAsync([frameId], TimeSpan.FromMinutes(1));
        Assert.Equal(FrameStatus.Done, await fx.ScalarAsync<string>("SELECT status FROM frames WHERE id = @f", ("f", frameId)));
        Assert.Equal(1L, await fx.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = 'job.reprocess.done' AND subject = @j",
            ("j", request.JobId.ToString())));
    }

    [Fact]
    public async Task ReindexDropsTheInvalidIndexAnInterruptedConcurrentRebuildLeftAndRebuilds()
    {
        // The state an interrupted REINDEX CONCURRENTLY leaves: an invalid index named …_ccnew on faces. A unique
        // index over two faces of one model fails to build concurrently, which leaves exactly that.
        foreach (var photo in Images.BidenTrain.Take(2))
            await fx.Ingest.AcceptAsync(File.ReadAllBytes(photo), "image/jpeg", "reindex-test", DateTimeOffset.UtcNow, null);
        await fx.Workers[0].WaitUntilAsync(async () => await fx.ScalarAsync<long>("SELECT count(*) FROM faces") >= 2,
            TimeSpan.FromMinutes(1), "two faces stored");
        await using (var create = fx.OwnerDataSource.CreateCommand(
                         "CREATE UNIQUE INDEX CONCURRENTLY ix_faces_embedding_hnsw_ccnew ON faces (model_version)"))
            await Assert.ThrowsAsync<PostgresException>(() => create.ExecuteNonQueryAsync());
        Assert.Equal(1L, await InvalidIndexCountAsync());

        var accepted = await Images.ExpectAsync(await fx.Client.PostAsync("api/jobs/reindex", null), HttpStatusCode.Accepted);
        var result = (await JobsTests.WaitJobAsync(fx, accepted.GetProperty("id").GetGuid())).GetProperty("result");

        Assert.Equal("concurrently (owner connection)", result.GetProperty("method").GetString());
        Assert.Equal(["ix_faces_embedding_hnsw_ccnew"], result.GetProperty("droppedInvalid").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0L, await InvalidIndexCountAsync());
        Assert.True(await fx.ScalarAsync<bool>("SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_faces_embedding_hnsw'::regclass"));
    }

    private Task<long> InvalidIndexCountAsync() => fx.ScalarAsync<long>(
        "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid WHERE c.relname = 'faces' AND NOT i.indisvalid");

    private async Task<Guid> InsertFailedFrameAsync(byte[] photo)
    {
        var id = Guid.CreateVersion7();
        await using var command = fx.AppDataSource.CreateCommand("""
            INSERT INTO frames (id, sha256, source, captured_at, status, attempts, error)
            VALUES (@id, @sha, 'job-recovery-test', now(), 'failed', 1, 'processing failed after retries: test');
            INSERT INTO frame_images (frame_id, content, content_type) VALUES (@id, @bytes, 'image/jpeg');
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("sha", Convert.ToHexStringLower(SHA256.HashData(photo)));
        command.Parameters.AddWithValue("bytes", photo);
        await command.ExecuteNonQueryAsync();
        return id;
    }
}

/// <summary>
/// A job whose <see cref="RunJob"/> message faults (here: no outage wait, so the outage fails it at once) is failed
/// with the reason by the fault consumer, so that its kind can be requested again.
/// </summary>
public sealed class JobFaultTests(JobFaultTests.Fixture fx) : IClassFixture<JobFaultTests.Fixture>
{
    /// <summary>One worker that does not wait out outages.</summary>
    public sealed class Fixture : SystemFixture
    {
        /// <inheritdoc />
        protected override int WorkerCount => 1;

        /// <inheritdoc />
        protected override IReadOnlyDictionary<string, string> WorkerSettings => new Dictionary<string, string>
        {
            ["Worker__DatabaseOutageWaitSeconds"] = "0",
        };
    }

    [Fact]
    public async Task AFaultedJobIsFailedWithItsReasonAndItsKindCanBeRequestedAgain()
    {
        var request = await new JobStore(fx.AppDataSource).RequestAsync(JobKinds.Reprocess, "test", null, viaOutbox: false);

        await fx.WithDatabaseDownAsync(async () =>
        {
            await fx.SendAsync(new RunJob(request.JobId, JobKinds.Reprocess), MessagingNames.RunJobQueue);
            await fx.Workers[0].WaitUntilAsync(async () => await fx.QueueDepthAsync(MessagingNames.ErrorQueue(MessagingNames.RunJobQueue)) == 1, TimeSpan.FromSeconds(30),
                "the RunJob message in run-job_error");
        });

        var failed = await WaitFinishedAsync(request.JobId);
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.StartsWith("job message faulted: ", failed.GetProperty("error").GetString());

        var again = await Images.ExpectAsync(await fx.Client.PostAsync("api/jobs/reprocess", null), HttpStatusCode.Accepted);
        Assert.True(again.GetProperty("created").GetBoolean(), again.ToString());
        Assert.NotEqual(request.JobId, again.GetProperty("id").GetGuid());
        await JobsTests.WaitJobAsync(fx, again.GetProperty("id").GetGuid());
    }

    private async Task<JsonElement> WaitFinishedAsync(Guid id)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            var job = await Images.ExpectAsync(await fx.Client.GetAsync($"api/jobs/{id}"), HttpStatusCode.OK);
            if (job.GetProperty("status").GetString() is "failed" or "done")
                return job;
            Assert.True(DateTime.UtcNow < deadline, $"job still {job.GetProperty("status")}: {job}\n{fx.Diagnostics()}");
            await Task.Delay(200);
        }
    }
}
