using FaceAspire.Core.Contracts;
using FaceAspire.Core.Data;
using FaceAspire.Core.Jobs;
using Npgsql;

namespace FaceAspire.Worker.Jobs;

/// <summary>
/// Gives failed frames another go: every frame with status <c>failed</c> whose failure was not about the image itself
/// (<see cref="FrameFailures.IsAboutTheImage"/>: undecodable or missing bytes would fail again) goes back to
/// <c>queued</c>, with its <see cref="AnalyzeFrame"/> written to the outbox in the same transaction, so the Api's
/// dispatcher sends it exactly as at ingest. This is the way back for frames that ran out of retries, for instance
/// in a database outage longer than <see cref="WorkerOptions.DatabaseOutageWaitSeconds"/>. Their stored bytes are
/// analysed again; redelivery rules (idempotent by frame) apply as for any frame.
/// Result: <c>{ requeued, skippedImageFailures }</c>.
/// </summary>
public sealed class ReprocessJob(NpgsqlDataSource dataSource) : IMaintenanceJob
{
    /// <summary>Frames requeued per transaction.</summary>
    public const int BatchSize = 500;

    /// <inheritdoc />
    public string Kind => JobKinds.Reprocess;

    /// <inheritdoc />
    public async Task<object> RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var (retryable, aboutTheImage) = await FailedFramesAsync(cancellationToken);
        await run.ReportAsync(0, retryable.Count, cancellationToken, force: true);
        var requeued = 0;
        foreach (var batch in retryable.Chunk(BatchSize))
        {
            requeued += await RequeueAsync(batch, cancellationToken);
            await run.ReportAsync(requeued, retryable.Count, cancellationToken);
        }
        return new { requeued, skippedImageFailures = aboutTheImage };
    }

    /// <summary>One pass over <c>frames</c> (a maintenance job; no index on status is kept for it).</summary>
    private async Task<(List<Guid> Retryable, int AboutTheImage)> FailedFramesAsync(CancellationToken cancellationToken)
    {
        var retryable = new List<Guid>();
        var aboutTheImage = 0;
        await using var command = dataSource.CreateCommand("SELECT id, error FROM frames WHERE status = @failed ORDER BY id");
        command.Parameters.AddWithValue("failed", FrameStatus.Failed);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (FrameFailures.IsAboutTheImage(reader.IsDBNull(1) ? null : reader.GetString(1)))
                aboutTheImage++;
            else
                retryable.Add(reader.GetGuid(0));
        }
        return (retryable, aboutTheImage);
    }

    /// <summary>Requeues the frames of <paramref name="ids"/> that are still failed; returns how many.</summary>
    private async Task<int> RequeueAsync(Guid[] ids, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var messages = new List<AnalyzeFrame>(ids.Length);
        await using (var update = new NpgsqlCommand("""
            UPDATE frames SET status = @queued, error = NULL WHERE id = ANY(@ids) AND status = @failed
            RETURNING id, sha256, source, captured_at
            """, connection, transaction))
        {
            update.Parameters.AddWithValue("ids", ids);
            update.Parameters.AddWithValue("queued", FrameStatus.Queued);
            update.Parameters.AddWithValue("failed", FrameStatus.Failed);
            await using var reader = await update.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                messages.Add(new AnalyzeFrame(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.GetFieldValue<DateTimeOffset>(3)));
        }
        foreach (var message in messages)
            await OutboxSerializer.EnqueueAsync(message, connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return messages.Count;
    }
}
