using FaceAspire.Core.Identity;
using Npgsql;

namespace FaceAspire.Core.Privacy;

/// <summary>What <see cref="PersonForgetter.ForgetAsync"/> erased (counts only: this is what the audit row keeps).</summary>
/// <param name="Faces">Face rows deleted (with their embeddings, crops and emotion rows).</param>
/// <param name="EmotionRows">Emotion-log rows deleted.</param>
/// <param name="FramesDeleted">Photos deleted because this person was their only face (with bytes and thumbnail).</param>
/// <param name="FramesKept">Photos kept because they show other faces too (this person's face rows are gone).</param>
/// <param name="Merges">Merge records (and their undo snapshots) naming the person or their faces.</param>
/// <param name="Suggestions">Merge suggestions naming the person.</param>
/// <param name="Rejections">"Not the same person" pairs naming the person.</param>
/// <param name="OutboxMessages">Event and command rows (dispatched or not) that named the person, a face or a deleted photo.</param>
public sealed record ForgetResult(int Faces, int EmotionRows, int FramesDeleted, int FramesKept, int Merges, int Suggestions,
    int Rejections, int OutboxMessages);

/// <summary>
/// "Forget this person" (right to erasure): in ONE transaction deletes the person, their faces (embeddings, crops),
/// their emotion-log rows, the merge records, suggestions and rejected pairs that name them, the outbox rows that
/// name them, their faces or a deleted photo, and every stored photo in which they are the only face (frame,
/// bytes, thumbnail). Photos that also show someone else keep their frame and the other faces, and lose only this
/// person's face rows; their pixels still show the person (docs/security.md). Appends one <c>person.forget</c> audit
/// row with the person id and the counts: no name, embedding, image or face id, so the audit keeps no personal data
/// beyond the id.
/// <para>
/// The person is locked <c>FOR UPDATE</c> first, as a delete (<see cref="PersonEdits.LockPersonToDeleteAsync"/>): a worker
/// writing a face of this person finishes first and is erased with the rest; one that comes later fails its foreign
/// key and searches again, without this person. Earlier audit rows about the person are kept (append-only): they hold
/// the id and, for a rename, the name it was given.
/// </para>
/// </summary>
public sealed class PersonForgetter(NpgsqlDataSource dataSource)
{
    private const string ForgetSql = """
        WITH mine AS (SELECT id, frame_id FROM faces WHERE person_id = @p),
             alone AS (SELECT DISTINCT m.frame_id AS id FROM mine m
                       WHERE NOT EXISTS (SELECT 1 FROM faces x WHERE x.frame_id = m.frame_id AND x.person_id IS DISTINCT FROM @p)),
             ids AS (SELECT @p::text AS t UNION ALL SELECT id::text FROM mine UNION ALL SELECT id::text FROM alone)
        SELECT (SELECT coalesce(array_agg(id), '{}') FROM mine),
               (SELECT coalesce(array_agg(id), '{}') FROM alone),
               (SELECT count(DISTINCT frame_id)::int FROM mine),
               (SELECT array_agg(t) FROM ids)
        """;

    /// <summary>Forgets the person; see the class summary for what goes and what stays.</summary>
    /// <param name="personId">The person.</param>
    /// <param name="actor">Who asked (operator name or <c>api-key:&lt;prefix&gt;</c>), for the audit row.</param>
    /// <param name="cancellationToken">Cancels; nothing is deleted.</param>
    /// <returns>The counts of what was erased.</returns>
    /// <exception cref="KeyNotFoundException">No such person.</exception>
    public Task<ForgetResult> ForgetAsync(Guid personId, string actor, CancellationToken cancellationToken = default) =>
        PersonEdits.InTransactionAsync(dataSource, async (c, t) =>
        {
            if (!await PersonEdits.LockPersonToDeleteAsync(personId, c, t, cancellationToken))
                throw new KeyNotFoundException($"Person {personId} does not exist.");
            Guid[] faces, alone;
            int framesTouched;
            string[] ids;
            await using (var find = new NpgsqlCommand(ForgetSql, c, t))
            {
                find.Parameters.AddWithValue("p", personId);
                await using var reader = await find.ExecuteReaderAsync(cancellationToken);
                await reader.ReadAsync(cancellationToken);
                (faces, alone, framesTouched, ids) = (reader.GetFieldValue<Guid[]>(0), reader.GetFieldValue<Guid[]>(1), reader.GetInt32(2),
                    reader.GetFieldValue<string[]>(3));
            }
            // Emotion rows go with their faces (cascade); counted first. The outbox bodies are JSON text: a row that
            // names any of the ids (events of this person's faces, AnalyzeFrame of a deleted photo) goes too.
            var emotions = await CountAsync(c, t, "SELECT count(*)::int FROM emotions WHERE face_id = ANY(@f) OR person_id = @p", personId, faces, cancellationToken);
            var outbox = await ExecAsync(c, t, "DELETE FROM outbox_messages WHERE EXISTS (SELECT 1 FROM unnest(@ids) i WHERE strpos(body::text, i) > 0)",
                personId, faces, cancellationToken, ("ids", ids));
            var merges = await ExecAsync(c, t,
                "DELETE FROM person_merges WHERE target_person_id = @p OR source_person_id = @p OR moved_face_ids && @f", personId, faces, cancellationToken);
            var suggestions = await ExecAsync(c, t, "DELETE FROM merge_suggestions WHERE target_person_id = @p OR source_person_id = @p", personId, faces, cancellationToken);
            var rejections = await ExecAsync(c, t, "DELETE FROM person_pair_rejections WHERE person_a = @p OR person_b = @p", personId, faces, cancellationToken);
            await ExecAsync(c, t, "UPDATE persons SET cover_face_id = NULL WHERE id = @p", personId, faces, cancellationToken);
            // Photos with only this person: the frame goes, and with it (cascade) its bytes, thumbnail, faces, emotions.
            await ExecAsync(c, t, "DELETE FROM frames WHERE id = ANY(@a)", personId, faces, cancellationToken, ("a", alone));
            await ExecAsync(c, t, "DELETE FROM emotions WHERE person_id = @p", personId, faces, cancellationToken);
            await ExecAsync(c, t, "DELETE FROM faces WHERE person_id = @p", personId, faces, cancellationToken);
            await ExecAsync(c, t, "DELETE FROM persons WHERE id = @p", personId, faces, cancellationToken);
            var result = new ForgetResult(faces.Length, emotions, alone.Length, framesTouched - alone.Length, merges, suggestions, rejections, outbox);
            await PersonEdits.AuditAsync(actor, "person.forget", personId.ToString(), result, c, t, cancellationToken);
            return result;
        }, cancellationToken);

    private static async Task<int> ExecAsync(NpgsqlConnection c, NpgsqlTransaction t, string sql, Guid person, Guid[] faces,
        CancellationToken cancellationToken, params (string Name, object Value)[] extra)
    {
        await using var command = Command(c, t, sql, person, faces, extra);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<int> CountAsync(NpgsqlConnection c, NpgsqlTransaction t, string sql, Guid person, Guid[] faces,
        CancellationToken cancellationToken)
    {
        await using var command = Command(c, t, sql, person, faces, []);
        return (int)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static NpgsqlCommand Command(NpgsqlConnection c, NpgsqlTransaction t, string sql, Guid person, Guid[] faces,
        (string Name, object Value)[] extra)
    {
        var command = new NpgsqlCommand(sql, c, t);
        if (sql.Contains("@p", StringComparison.Ordinal))
            command.Parameters.AddWithValue("p", person);
        if (sql.Contains("@f", StringComparison.Ordinal))
            command.Parameters.AddWithValue("f", faces);
        foreach (var (name, value) in extra)
            command.Parameters.AddWithValue(name, value);
        return command;
    }
}
