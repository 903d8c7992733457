using FaceAspire.Core.Messaging;
using System.Text.Json;
using FaceAspire.Core.Contracts;
using FaceAspire.Core.Data;
using Npgsql;
using NpgsqlTypes;

namespace FaceAspire.Core.Jobs;

/// <summary>A job request's outcome.</summary>
/// <param name="JobId">The job (new, or the one of that kind already queued or running).</param>
/// <param name="Created">False when a job of that kind was already active (nothing new was queued).</param>
/// <param name="Status">Its status now.</param>
public sealed record JobRequestResult(Guid JobId, bool Created, string Status);

/// <summary>
/// The <c>jobs</c> table: request a job (row + audit entry + optionally the <see cref="RunJob"/> outbox row, in one
/// transaction), claim it, report progress, finish it. At most one job per kind is queued or running
/// (unique partial index <c>ux_jobs_active_kind</c>): a second request returns the active job. After a commit with an
/// outbox row, <paramref name="signal"/> (when given) wakes this process's relay.
/// </summary>
public sealed class JobStore(NpgsqlDataSource dataSource, OutboxSignal? signal = null)
{
    /// <summary>Requests a job.</summary>
    /// <param name="kind">One of <see cref="JobKinds.All"/>.</param>
    /// <param name="requestedBy">Actor for the row and the audit entry.</param>
    /// <param name="parametersJson">JSON object of parameters, or null.</param>
    /// <param name="viaOutbox">True: the <see cref="RunJob"/> goes into the outbox in the same transaction, so it is sent
    /// exactly when the row exists. False: the caller sends it after this returns (tests that control delivery).</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <exception cref="ArgumentException">Unknown kind.</exception>
    public async Task<JobRequestResult> RequestAsync(string kind, string requestedBy, string? parametersJson, bool viaOutbox,
        CancellationToken cancellationToken = default)
    {
        if (!JobKinds.IsKnown(kind))
            throw new ArgumentException($"Unknown job kind '{kind}'; known: {string.Join(", ", JobKinds.All)}.", nameof(kind));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var id = Guid.CreateVersion7();
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO jobs (id, kind, requested_by, parameters) VALUES (@id, @kind, @by, @p)
            ON CONFLICT (kind) WHERE status IN ('queued', 'running') DO NOTHING
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("id", id);
            insert.Parameters.AddWithValue("kind", kind);
            insert.Parameters.AddWithValue("by", requestedBy);
            insert.Parameters.AddWithValue("p", NpgsqlDbType.Jsonb, (object?)parametersJson ?? DBNull.Value);
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                await using var active = new NpgsqlCommand("SELECT id, status FROM jobs WHERE kind = @kind AND status IN ('queued', 'running')", connection);
                active.Parameters.AddWithValue("kind", kind);
                await using var reader = await active.ExecuteReaderAsync(cancellationToken);
                if (!await reader.ReadAsync(cancellationToken))
                    throw new InvalidOperationException($"A {kind} job was active a moment ago and finished; request it again.");
                return new JobRequestResult(reader.GetGuid(0), false, reader.GetString(1));
            }
        }
        await AuditLog.AppendJsonAsync(requestedBy, "job.request", id.ToString(), JsonSerializer.Serialize(new { kind, parameters = parametersJson }),
            connection, transaction, cancellationToken);
        if (viaOutbox)
            await OutboxWriter.EnqueueAsync(new RunJob(id, kind), connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (viaOutbox)
            signal?.Notify();
        return new JobRequestResult(id, true, JobStatus.Queued);
    }

    /// <summary>
    /// Marks a queued job running (or takes over a running one whose worker died: redelivery after a crash) and
    /// returns its kind and parameters; null when the job is unknown or already finished.
    /// </summary>
    public async Task<(string Kind, string? Parameters)?> ClaimAsync(Guid jobId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE jobs SET status = 'running', started_at = COALESCE(started_at, now()), done = 0
            WHERE id = @id AND status IN ('queued', 'running') RETURNING kind, parameters::text
            """);
        command.Parameters.AddWithValue("id", jobId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        return (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1));
    }

    /// <summary>Stores progress: <paramref name="done"/> of <paramref name="total"/> (null = unknown).</summary>
    public async Task ProgressAsync(Guid jobId, int done, int? total, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("UPDATE jobs SET done = @d, total = @t WHERE id = @id");
        command.Parameters.AddWithValue("id", jobId);
        command.Parameters.AddWithValue("d", done);
        command.Parameters.AddWithValue("t", NpgsqlDbType.Integer, (object?)total ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Finishes a job (done with <paramref name="resultJson"/>, or failed with <paramref name="error"/>) and audits it.</summary>
    public Task FinishAsync(Guid jobId, string kind, string? resultJson, string? error, CancellationToken cancellationToken = default) =>
        FinishCoreAsync(jobId, kind, resultJson, error, onlyIfActive: false, cancellationToken);

    /// <summary>
    /// Fails a job that is still queued or running, with <paramref name="error"/>, and audits it; a job that finished
    /// meanwhile is left alone. For a job whose <see cref="RunJob"/> message faulted: without this, the row would stay
    /// active and, through <c>ux_jobs_active_kind</c>, answer every later request of its kind with itself.
    /// </summary>
    /// <returns>True when the job was active and is now failed.</returns>
    public Task<bool> FailIfActiveAsync(Guid jobId, string kind, string error, CancellationToken cancellationToken = default) =>
        FinishCoreAsync(jobId, kind, null, error, onlyIfActive: true, cancellationToken);

    private async Task<bool> FinishCoreAsync(Guid jobId, string kind, string? resultJson, string? error, bool onlyIfActive,
        CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand($"""
            UPDATE jobs SET status = @s, finished_at = now(), result = @r, error = @e,
                            done = CASE WHEN @s = 'done' THEN COALESCE(total, done) ELSE done END
            WHERE id = @id {(onlyIfActive ? "AND status IN ('queued', 'running')" : "")}
            """, connection, transaction))
        {
            command.Parameters.AddWithValue("id", jobId);
            command.Parameters.AddWithValue("s", error is null ? JobStatus.Done : JobStatus.Failed);
            command.Parameters.AddWithValue("r", NpgsqlDbType.Jsonb, (object?)resultJson ?? DBNull.Value);
            command.Parameters.AddWithValue("e", NpgsqlDbType.Text, (object?)error ?? DBNull.Value);
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0 && onlyIfActive)
                return false;
        }
        await AuditLog.AppendJsonAsync("worker", error is null ? $"job.{kind}.done" : $"job.{kind}.failed", jobId.ToString(),
            resultJson ?? JsonSerializer.Serialize(new { error }), connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
