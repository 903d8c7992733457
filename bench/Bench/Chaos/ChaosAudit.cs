using Npgsql;

namespace FaceAspire.Bench.Chaos;

/// <summary>One accepted frame as the database holds it after the run.</summary>
public sealed record StoredFrame(Guid Id, string Status, string? Error, int Faces, int EmotionRows, string Emotions);

/// <summary>
/// The chaos run's questions to PostgreSQL (as the owner, read only): how the accepted frames ended, and whether any
/// work was done twice. "Processed twice" is a frame with more than one committed analysis: a worker commits a
/// frame's faces, one emotion row per face and one <c>FrameAnalyzed</c> (status done) outbox row in ONE transaction,
/// so a second commit shows as a second such outbox row (dispatched rows are kept for a day), as the same detector box
/// stored twice among its faces, or as a face with two emotion rows. "Ingested twice" is a picture stored as two frames
/// (same sha256) or a frame with two <c>AnalyzeFrame</c> outbox rows.
/// </summary>
internal sealed class ChaosAudit(NpgsqlDataSource db)
{
    /// <summary>Accepted frames settled (done or failed), accepted frames in all, outbox rows still pending.</summary>
    public async Task<(int Settled, int Pending)> ProgressAsync(Guid[] ids)
    {
        await using var command = db.CreateCommand("""
            SELECT (SELECT count(*)::int FROM frames WHERE id = ANY(@ids) AND status IN ('done', 'failed')),
                   (SELECT count(*)::int FROM outbox_messages WHERE dispatched_at IS NULL)
            """);
        command.Parameters.AddWithValue("ids", ids);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt32(0), reader.GetInt32(1));
    }

    /// <summary>Each of <paramref name="ids"/> that exists: status, error, face and emotion-row counts, dominant emotions.</summary>
    public async Task<Dictionary<Guid, StoredFrame>> FramesAsync(Guid[] ids)
    {
        await using var command = db.CreateCommand("""
            SELECT f.id, f.status, f.error,
                   (SELECT count(*)::int FROM faces WHERE frame_id = f.id),
                   (SELECT count(*)::int FROM emotions WHERE frame_id = f.id),
                   coalesce((SELECT string_agg(dominant, ',' ORDER BY dominant COLLATE "C") FROM emotions WHERE frame_id = f.id), '')
            FROM frames f WHERE f.id = ANY(@ids)
            """);
        command.Parameters.AddWithValue("ids", ids);
        var result = new Dictionary<Guid, StoredFrame>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            result[reader.GetGuid(0)] = new StoredFrame(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.GetInt32(3), reader.GetInt32(4), reader.GetString(5));
        return result;
    }

    /// <summary>Frames with more than one committed analysis (see the class summary), with the evidence per frame.</summary>
    public Task<Dictionary<Guid, string>> ProcessedTwiceAsync() => EvidenceAsync("""
        SELECT (body->>'frameId')::uuid, 'FrameAnalyzed(done) outbox rows: ' || count(*) FROM outbox_messages
         WHERE message_type LIKE '%.FrameAnalyzed' AND body->>'status' = 'done' GROUP BY 1 HAVING count(*) > 1
        UNION ALL
        SELECT frame_id, 'same face box stored ' || count(*) || ' times' FROM faces GROUP BY frame_id, x, y, w, h HAVING count(*) > 1
        UNION ALL
        SELECT min(frame_id::text)::uuid, 'emotion rows for one face: ' || count(*) FROM emotions GROUP BY face_id HAVING count(*) > 1
        """);

    /// <summary>Pictures stored as two frames, or frames queued twice by ingest (see the class summary).</summary>
    public Task<Dictionary<Guid, string>> IngestedTwiceAsync() => EvidenceAsync("""
        SELECT min(id::text)::uuid, 'frames with one sha256: ' || count(*) FROM frames GROUP BY sha256 HAVING count(*) > 1
        UNION ALL
        SELECT (body->>'frameId')::uuid, 'AnalyzeFrame outbox rows: ' || count(*) FROM outbox_messages
         WHERE message_type LIKE '%.AnalyzeFrame' GROUP BY 1 HAVING count(*) > 1
        """);

    /// <summary><c>FrameAnalyzed</c> (status done) outbox rows of <paramref name="ids"/>: one per done frame when nothing
    /// was processed twice; shows that <see cref="ProcessedTwiceAsync"/> looks at rows that exist.</summary>
    public async Task<long> DoneEventsAsync(Guid[] ids)
    {
        await using var command = db.CreateCommand("""
            SELECT count(*) FROM outbox_messages WHERE message_type LIKE '%.FrameAnalyzed' AND body->>'status' = 'done'
               AND (body->>'frameId')::uuid = ANY(@ids)
            """);
        command.Parameters.AddWithValue("ids", ids);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Frames claimed more than once (redelivered or retried: <c>frames.attempts</c> &gt; 1).</summary>
    public async Task<long> ClaimedAgainAsync(Guid[] ids)
    {
        await using var command = db.CreateCommand("SELECT count(*) FROM frames WHERE id = ANY(@ids) AND attempts > 1");
        command.Parameters.AddWithValue("ids", ids);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<Dictionary<Guid, string>> EvidenceAsync(string sql)
    {
        var result = new Dictionary<Guid, string>();
        await using var command = db.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var id = reader.GetGuid(0);
            result[id] = result.TryGetValue(id, out var earlier) ? earlier + "; " + reader.GetString(1) : reader.GetString(1);
        }
        return result;
    }
}
