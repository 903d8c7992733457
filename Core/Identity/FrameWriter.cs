using System.Data;
using FaceAspire.Core.Contracts;
using FaceAspire.Core.Data;
using FaceAspire.Core.Messaging;
using Npgsql;
using NpgsqlTypes;

namespace FaceAspire.Core.Identity;

/// <summary>
/// The Worker's side of the frames table: claim a frame, store its analysis in one transaction, or mark it failed.
/// Every method is idempotent with respect to message redelivery: once a frame is <c>done</c>, nothing is written
/// again and the stored result is returned (<see cref="FrameResult.Replayed"/> = true). The events a result announces go
/// to the outbox in the same transaction; after the commit, <paramref name="signal"/> (when given) wakes this process's
/// relay so they leave at once.
/// </summary>
public sealed class FrameWriter(NpgsqlDataSource dataSource, IdentityMatcher matcher, OutboxSignal? signal = null)
{
    private const int MaxAttempts = 3;

    /// <summary>
    /// Starts work on a frame: unless it is already done, sets status <c>processing</c>, increments <c>attempts</c> and
    /// stamps <c>claimed_at</c>; returns the image bytes to analyse.
    /// </summary>
    /// <returns>The frame and its bytes, or null when no such frame exists. <see cref="FrameWork.Status"/> is the
    /// status BEFORE the claim; when it is <c>done</c>, skip the analysis: its result and events are stored.</returns>
    public async Task<FrameWork?> ClaimAsync(Guid frameId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            WITH old AS (SELECT id, status FROM frames WHERE id = @id FOR UPDATE),
                 upd AS (UPDATE frames f SET status = 'processing', attempts = f.attempts + 1, claimed_at = now()
                         FROM old WHERE f.id = old.id AND old.status <> 'done' RETURNING f.id, f.attempts)
            SELECT old.status, COALESCE(upd.attempts, f.attempts), f.captured_at, f.source, f.sha256, i.content, i.content_type
            FROM old JOIN frames f ON f.id = old.id
            LEFT JOIN upd ON upd.id = old.id
            LEFT JOIN frame_images i ON i.frame_id = old.id
            """, connection);
        command.Parameters.AddWithValue("id", frameId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        return new FrameWork(frameId, reader.GetString(0), reader.GetInt32(1), reader.GetFieldValue<DateTimeOffset>(2),
            reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4),
            reader.IsDBNull(5) ? [] : reader.GetFieldValue<byte[]>(5), reader.IsDBNull(6) ? "" : reader.GetString(6));
    }

    /// <summary>
    /// Stores a frame's analysis in ONE transaction: every face (matched or new person, embedding, crop), one
    /// emotion-log row per face, the persons' counters, the frame's status <c>done</c> with its size, and the result's
    /// events (<see cref="FrameAnalyzed"/> and one <see cref="FaceRecognized"/> per face) as outbox rows, which an
    /// outbox relay publishes after the commit (ADR 0017, ADR 0024). The frame row is locked first
    /// (<c>FOR UPDATE</c>), so two deliveries of the same frame cannot both write; if the frame is already done,
    /// nothing is written and the stored result comes back. Deadlock and serialization failures
    /// (SQLSTATE 40P01, 40001) are retried up to 3 times with fresh face ids, and so are foreign-key violations
    /// (23503): a person the search voted for can be merged away or deleted before the face's INSERT commits, and a
    /// new search decides again (a frame deleted meanwhile then ends in <see cref="KeyNotFoundException"/>).
    /// </summary>
    /// <param name="frameId">An existing frame.</param>
    /// <param name="width">Decoded (EXIF-oriented) width in pixels.</param>
    /// <param name="height">Decoded height in pixels.</param>
    /// <param name="modelVersion">Embedding model tag, e.g. <c>fr_feature@87aacdfe5751</c>.</param>
    /// <param name="faces">The analysed faces, in detection order; may be empty.</param>
    /// <param name="cancellationToken">Cancels; the transaction is rolled back.</param>
    /// <exception cref="KeyNotFoundException">No frame with that id.</exception>
    /// <exception cref="ArgumentException">A face is malformed (see <see cref="FaceObservation.Validate"/>).</exception>
    public async Task<FrameResult> WriteAsync(Guid frameId, int width, int height, string modelVersion,
        IReadOnlyList<FaceObservation> faces, CancellationToken cancellationToken = default)
    {
        foreach (var face in faces)
            face.Validate();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await WriteOnceAsync(frameId, width, height, modelVersion, faces, cancellationToken);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure
                                                  or PostgresErrorCodes.ForeignKeyViolation
                                              && attempt < MaxAttempts)
            {
            }
        }
    }

    private async Task<FrameResult> WriteOnceAsync(Guid frameId, int width, int height, string modelVersion,
        IReadOnlyList<FaceObservation> faces, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        // Round trips for a frame of n faces that all match: n + 1 (lock + first search; each later search with the
        // previous face's INSERT before it, since it must see that face; the last INSERT with the other writes and
        // the COMMIT). Each round trip is a wait for PostgreSQL while the frame holds a worker slot.
        DateTimeOffset capturedAt;
        string? source;
        IReadOnlyList<Neighbour> neighbours = [];
        await using (var first = new NpgsqlBatch(connection, transaction))
        {
            first.BatchCommands.Add(new NpgsqlBatchCommand("SELECT status, captured_at, source FROM frames WHERE id = @id FOR UPDATE")
            {
                Parameters = { new NpgsqlParameter<Guid>("id", frameId) },
            });
            // Only a face that passes the recognisability gate is searched (an unidentified face needs no neighbours).
            var searchFirst = faces.Count > 0 && matcher.PassesGate(faces[0]);
            if (searchFirst)
                foreach (var command in matcher.SearchCommands(faces[0], modelVersion))
                    first.BatchCommands.Add(command);
            await using var reader = await first.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
                throw new KeyNotFoundException($"Frame {frameId} does not exist.");
            var status = reader.GetString(0);
            capturedAt = reader.GetFieldValue<DateTimeOffset>(1);
            source = reader.IsDBNull(2) ? null : reader.GetString(2);
            if (status == FrameStatus.Done)
            {
                await reader.DisposeAsync();
                return (await FrameResults.LoadAsync(connection, transaction, frameId, replayed: true, cancellationToken))!;
            }
            if (searchFirst && await reader.NextResultAsync(cancellationToken))
                neighbours = await FaceStore.ReadNeighboursAsync(reader, cancellationToken);
        }

        var origin = new FaceOrigin(frameId, capturedAt, source, modelVersion);
        var assignments = new List<FaceAssignment>(faces.Count);
        var pendingInsert = new List<NpgsqlBatchCommand>(1);
        var emotions = new List<NpgsqlBatchCommand>(faces.Count);
        // Cannot-link: the persons this frame's earlier faces went to (the frame is locked and not done, so it has no
        // other faces). A later face of the frame never joins them.
        var framePersons = new HashSet<Guid>();
        for (var i = 0; i < faces.Count; i++)
        {
            if (i > 0)
            {
                // Unsearched (gated) faces' inserts wait for the next search or the final batch.
                neighbours = [];
                if (matcher.PassesGate(faces[i]))
                {
                    neighbours = await matcher.SearchAsync(faces[i], modelVersion, pendingInsert, connection, transaction, cancellationToken);
                    pendingInsert.Clear();
                }
            }
            var assignment = await matcher.DecideAsync(faces[i], origin, neighbours, connection, transaction, cancellationToken, framePersons);
            assignments.Add(assignment);
            if (assignment.PersonId is { } person)
                framePersons.Add(person);
            pendingInsert.AddRange(IdentityMatcher.InsertCommands(assignment, faces[i], origin));
            emotions.Add(EmotionCommand(assignment, faces[i], origin));
        }
        var analyzed = new List<AnalyzedFace>(faces.Count);
        var events = new List<FaceRecognized>(faces.Count);
        for (var i = 0; i < faces.Count; i++)
        {
            var (f, a) = (faces[i], assignments[i]);
            analyzed.Add(new AnalyzedFace(a.FaceId, a.PersonId, a.NewPerson, f.X, f.Y, f.W, f.H, f.DominantEmotion, f.EmotionConfidence));
            if (a.PersonId is { } person)
                events.Add(new FaceRecognized(a.FaceId, frameId, person, a.NewPerson, f.DominantEmotion, f.EmotionConfidence,
                    f.Quality, capturedAt, source));
        }
        var result = new FrameResult(frameId, FrameStatus.Done, false, analyzed, events, null, capturedAt, source, width, height);

        // The rest in ONE batch: the last face, the emotion rows, the persons' counters (after their faces: the
        // cover is a face), the status, and the result's events as outbox rows (ADR 0017).
        await using var writes = new NpgsqlBatch(connection, transaction);
        foreach (var command in pendingInsert.Concat(emotions).Concat(IdentityMatcher.UpdatePersonsCommands(assignments)))
            writes.BatchCommands.Add(command);
        writes.BatchCommands.Add(new NpgsqlBatchCommand("UPDATE frames SET status = 'done', width = @w, height = @h, error = NULL WHERE id = @id")
        {
            Parameters = { new NpgsqlParameter<Guid>("id", frameId), new NpgsqlParameter<int>("w", width), new NpgsqlParameter<int>("h", height) },
        });
        writes.BatchCommands.Add(OutboxWriter.InsertCommand(result.Events()));
        // COMMIT as the batch's last statement saves the round trip of a separate CommitAsync. An error in an earlier
        // statement makes PostgreSQL skip it (the rest of a batch is skipped after an error), and disposing the
        // transaction then rolls back as before. Npgsql reads the idle status PostgreSQL reports after the COMMIT and
        // marks the transaction completed, so its disposal sends nothing.
        writes.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        await writes.ExecuteNonQueryAsync(cancellationToken);
        signal?.Notify();
        return result;
    }

    private static NpgsqlBatchCommand EmotionCommand(FaceAssignment a, FaceObservation f, FaceOrigin origin)
    {
        var command = new NpgsqlBatchCommand("""
            INSERT INTO emotions (face_id, person_id, frame_id, source, captured_at, dominant, confidence,
                                  angry, disgust, fear, happy, sad, surprise, neutral, age, gender, x, y, w, h)
            VALUES (@face, @person, @frame, @src, @cap, @dom, @conf, @s0, @s1, @s2, @s3, @s4, @s5, @s6, @age, @gender, @x, @y, @w, @h)
            """);
        var p = command.Parameters;
        p.AddWithValue("face", a.FaceId);
        p.AddWithValue("person", NpgsqlDbType.Uuid, (object?)a.PersonId ?? DBNull.Value);
        p.AddWithValue("frame", origin.FrameId);
        p.AddWithValue("src", NpgsqlDbType.Text, (object?)origin.Source ?? DBNull.Value);
        p.AddWithValue("cap", origin.CapturedAt.ToUniversalTime());
        p.AddWithValue("dom", f.DominantEmotion);
        p.AddWithValue("conf", f.EmotionConfidence);
        for (var i = 0; i < EmotionLabels.Count; i++)
            p.AddWithValue($"s{i}", f.EmotionScores[i]);
        p.AddWithValue("age", NpgsqlDbType.Real, (object?)f.Age ?? DBNull.Value);
        p.AddWithValue("gender", NpgsqlDbType.Text, (object?)f.Gender ?? DBNull.Value);
        p.AddWithValue("x", f.X);
        p.AddWithValue("y", f.Y);
        p.AddWithValue("w", f.W);
        p.AddWithValue("h", f.H);
        return command;
    }

    /// <summary>
    /// Marks a frame <c>failed</c> with <paramref name="error"/> and, in the same transaction, writes its
    /// <see cref="FrameAnalyzed"/> (status failed) to the outbox. A done frame is left untouched, no event is written,
    /// and its result is returned. Use for permanent failures (undecodable image); transient ones should be retried
    /// instead.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No frame with that id.</exception>
    public async Task<FrameResult> FailAsync(Guid frameId, string error, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        FrameResult? failed = null;
        await using (var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken))
        {
            // Only the frames and outbox tables: a failure must be recordable while the result tables are the
            // problem (locked, full), and a frame that is not done has no faces to read.
            await using (var command = new NpgsqlCommand("""
                UPDATE frames SET status = 'failed', error = @e WHERE id = @id AND status <> 'done'
                RETURNING captured_at, source, width, height
                """, connection, transaction))
            {
                command.Parameters.AddWithValue("id", frameId);
                command.Parameters.AddWithValue("e", error);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                if (await reader.ReadAsync(cancellationToken))
                    failed = new FrameResult(frameId, FrameStatus.Failed, false, [], [], error, reader.GetFieldValue<DateTimeOffset>(0),
                        reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt32(2),
                        reader.IsDBNull(3) ? null : reader.GetInt32(3));
            }
            if (failed is not null)
                await OutboxWriter.EnqueueAsync(failed.ToMessage(), connection, transaction, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        if (failed is not null)
            signal?.Notify();
        return failed
               ?? await FrameResults.LoadAsync(connection, null, frameId, replayed: true, cancellationToken)
               ?? throw new KeyNotFoundException($"Frame {frameId} does not exist.");
    }
}
