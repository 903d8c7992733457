using FaceAspire.Core.Contracts;
using FaceAspire.Core.Jobs;
using FaceAspire.Core.Messaging;
using Npgsql;

namespace FaceAspire.Worker.Jobs;

/// <summary>
/// Gives failed frames another go: every frame with status <c>failed</c> whose failure was not about the image itself
/// (<see cref="FrameFailures.IsAboutTheImage"/>: undecodable or missing bytes would fail again) goes back to
/// <c>queued</c>, with its <see cref="AnalyzeFrame"/> written to the outbox in the same transaction, so a relay (this
/// worker's own, at once) sends it exactly as at ingest. This is the way back for frames that ran out of retries, for instance
/// in a database outage longer than <see cref="WorkerOptions.DatabaseOutageWaitSeconds"/>. Their stored bytes are
/// analysed again; redelivery rules (idempotent by frame) apply as for any frame.
/// <para>
/// Parameter <c>stuckMinutes</c> (1–10080, optional): also requeue frames still <c>queued</c> or <c>processing</c>
/// that no worker has started for that long (<c>coalesce(claimed_at, received_at)</c>). Such a frame lost its message,
/// e.g. its fault ran out of retries too, or the broker lost its data. A frame merely waiting in a long backlog would be
/// sent twice; the second delivery finds it done and only republishes its result. Use at least RabbitMQ's
/// <c>consumer_timeout</c> (30 min): no delivery stays in progress longer.
/// </para>
/// Result: <c>{ requeued, stuck, skippedImageFailures }</c> (<c>stuck</c>: how many of the requeued were queued or
/// processing).
/// </summary>
public sealed class ReprocessJob(NpgsqlDataSource dataSource, OutboxSignal signal) : IMaintenanceJob
{
    /// <summary>Frames requeued per transaction.</summary>
    public const int BatchSize = 500;

    /// <inheritdoc />
    public string Kind => JobKinds.Reprocess;

    /// <inheritdoc />
    public async Task<object> RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var stuckMinutes = run.Int("stuckMinutes", 0, 1, 10080);
        var (retryable, stuck, aboutTheImage) = await CandidatesAsync(stuckMinutes, cancellationToken);
        await run.ReportAsync(0, retryable.Count, cancellationToken, force: true);
        var requeued = 0;
        foreach (var batch in retryable.Chunk(BatchSize))
        {
            requeued += await RequeueAsync(batch, stuckMinutes, cancellationToken);
            await run.ReportAsync(requeued, retryable.Count, cancellationToken);
        }
        return new { requeued, stuck, skippedImageFailures = aboutTheImage };
    }

    /// <summary>
    /// One pass over <c>frames</c> (a maintenance job; no index on status is kept for it): the failed frames that may
    /// succeed now and, with <paramref name="stuckMinutes"/> &gt; 0, the stuck ones.
    /// </summary>
    private async Task<(List<Guid> Retryable, int Stuck, int AboutTheImage)> CandidatesAsync(int stuckMinutes,
        CancellationToken cancellationToken)
    {
        var retryable = new List<Guid>();
        var (stuck, aboutTheImage) = (0, 0);
        await using var command = dataSource.CreateCommand($"""
            SELECT id, status, error FROM frames f WHERE status = @failed OR ({StuckSql}) ORDER BY id
            """);
        AddParameters(command.Parameters, stuckMinutes);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.GetString(1) != FrameStatus.Failed)
                stuck++;
            else if (FrameFailures.IsAboutTheImage(reader.IsDBNull(2) ? null : reader.GetString(2)))
            {
                aboutTheImage++;
                continue;
            }
            retryable.Add(reader.GetGuid(0));
        }
        return (retryable, stuck, aboutTheImage);
    }

    /// <summary>Stuck: queued or processing, and no worker has started on it for @stuck minutes (0: never stuck).</summary>
    private const string StuckSql = """
        @stuck > 0 AND f.status IN (@queued, @processing)
        AND coalesce(f.claimed_at, f.received_at) < now() - make_interval(mins => @stuck)
        """;

    private static void AddParameters(NpgsqlParameterCollection parameters, int stuckMinutes)
    {
        parameters.AddWithValue("failed", FrameStatus.Failed);
        parameters.AddWithValue("queued", FrameStatus.Queued);
        parameters.AddWithValue("processing", FrameStatus.Processing);
        parameters.AddWithValue("stuck", stuckMinutes);
    }

    /// <summary>
    /// Requeues the frames of <paramref name="ids"/> that are still failed or stuck (checked again, in the UPDATE);
    /// returns how many.
    /// </summary>
    private async Task<int> RequeueAsync(Guid[] ids, int stuckMinutes, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var messages = new List<AnalyzeFrame>(ids.Length);
        await using (var update = new NpgsqlCommand($"""
            UPDATE frames f SET status = @queued, error = NULL
            WHERE f.id = ANY(@ids) AND (f.status = @failed OR ({StuckSql}))
            RETURNING f.id, f.sha256, f.source, f.captured_at
            """, connection, transaction))
        {
            update.Parameters.AddWithValue("ids", ids);
            AddParameters(update.Parameters, stuckMinutes);
            await using var reader = await update.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                messages.Add(new AnalyzeFrame(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.GetFieldValue<DateTimeOffset>(3)));
        }
        foreach (var message in messages)
            await OutboxWriter.EnqueueAsync(message, connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        signal.Notify();
        return messages.Count;
    }
}
