using Npgsql;
using NpgsqlTypes;
using static FaceAspire.Core.Identity.PersonEdits;

namespace FaceAspire.Core.Identity;

/// <summary>
/// Merges one person into another and undoes merges. A merge moves every face (and emotion-log row) of the
/// source to the target, deletes the source row, and records a <c>person_merges</c> row holding the moved face
/// ids and a JSON snapshot of the source (plus the target's name before the merge, since an unnamed target takes
/// the source's name). Undo recreates the source from the snapshot with the SAME id and moves back the recorded
/// faces that are still on the target (faces moved or deleted since stay where they are). Both steps are one
/// transaction each (run again after a deadlock or serialization failure: <see cref="PersonEdits.InTransactionAsync{T}"/>),
/// audited as <c>person.merge</c> / <c>person.unmerge</c>. Thread-safe.
/// </summary>
public sealed class PersonMerger(NpgsqlDataSource dataSource)
{
    /// <summary>Merges <paramref name="sourceId"/> into <paramref name="targetId"/>.</summary>
    /// <returns>The <c>person_merges</c> id, for <see cref="UndoAsync"/>.</returns>
    /// <exception cref="ArgumentException">Source and target are the same person.</exception>
    /// <exception cref="KeyNotFoundException">Either person does not exist.</exception>
    /// <exception cref="PersonsShareFramesException">A frame holds a face of each person: two faces of one photo are
    /// never one person (cannot-link), so the merge is refused; move the wrong face first.</exception>
    public async Task<long> MergeAsync(Guid sourceId, Guid targetId, string actor, CancellationToken cancellationToken = default)
    {
        if (sourceId == targetId)
            throw new ArgumentException("A person cannot be merged into itself.", nameof(targetId));
        return await InTransactionAsync(dataSource, (c, t) => MergeInAsync(sourceId, targetId, actor, c, t, cancellationToken), cancellationToken);
    }

    private static async Task<long> MergeInAsync(Guid sourceId, Guid targetId, string actor, NpgsqlConnection c, NpgsqlTransaction t,
        CancellationToken cancellationToken)
    {
        // The source is deleted below: lock it first, FOR UPDATE, so a worker writing one of its faces is waited for.
        if (!await LockPersonToDeleteAsync(sourceId, c, t, cancellationToken))
            throw new KeyNotFoundException($"Person {sourceId} does not exist.");
        RequireAll(await LockPersonsAsync([targetId], c, t, cancellationToken), targetId);
        // Under both locks, so no face can join either person between this check and the move.
        var shared = await ScalarAsync<Guid[]>("""
            SELECT coalesce(array_agg(DISTINCT s.frame_id ORDER BY s.frame_id), '{}')
            FROM faces s JOIN faces t ON t.frame_id = s.frame_id
            WHERE s.person_id = @s AND t.person_id = @t
            """, c, t, cancellationToken, ("s", sourceId), ("t", targetId)) ?? [];
        if (shared.Length > 0)
            throw new PersonsShareFramesException(sourceId, targetId, shared);
        var sourceName = await ScalarAsync<string>("SELECT name FROM persons WHERE id = @id", c, t, cancellationToken, ("id", sourceId));
        var targetName = await ScalarAsync<string>("SELECT name FROM persons WHERE id = @id", c, t, cancellationToken, ("id", targetId));
        var snapshot = await ScalarAsync<string>(
            "SELECT jsonb_build_object('person', to_jsonb(p), 'targetName', @tn::text)::text FROM persons p WHERE id = @id",
            c, t, cancellationToken, ("id", sourceId), ("tn", (object?)targetName ?? DBNull.Value));
        var moved = await ScalarAsync<Guid[]>("SELECT coalesce(array_agg(id ORDER BY id), '{}') FROM faces WHERE person_id = @id",
            c, t, cancellationToken, ("id", sourceId)) ?? [];
        await PersonEditor.MoveAsync(moved, targetId, c, t, cancellationToken);
        if (targetName is null && sourceName is not null)
            await ExecuteAsync("UPDATE persons SET name = @n WHERE id = @id", c, t, cancellationToken, ("id", targetId), ("n", sourceName));
        await ExecuteAsync("DELETE FROM persons WHERE id = @id", c, t, cancellationToken, ("id", sourceId));
        await RecomputeAsync([targetId], c, t, cancellationToken);
        long mergeId;
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO person_merges (actor, target_person_id, source_person_id, moved_face_ids, source_snapshot)
            VALUES (@a, @t, @s, @f, @snap) RETURNING id
            """, c, t))
        {
            insert.Parameters.AddWithValue("a", actor);
            insert.Parameters.AddWithValue("t", targetId);
            insert.Parameters.AddWithValue("s", sourceId);
            insert.Parameters.AddWithValue("f", moved);
            insert.Parameters.AddWithValue("snap", NpgsqlDbType.Jsonb, snapshot!);
            mergeId = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
        }
        await AuditAsync(actor, "person.merge", targetId.ToString(),
            new { mergeId, source = sourceId, sourceName, targetName, faces = moved.Length }, c, t, cancellationToken);
        return mergeId;
    }

    /// <summary>Undoes a merge (see the class summary).</summary>
    /// <returns>The number of faces moved back to the recreated source.</returns>
    /// <exception cref="KeyNotFoundException">No such merge.</exception>
    /// <exception cref="InvalidOperationException">Already undone, or a person with the source id exists again.</exception>
    public Task<int> UndoAsync(long mergeId, string actor, CancellationToken cancellationToken = default) =>
        InTransactionAsync(dataSource, (c, t) => UndoInAsync(mergeId, actor, c, t, cancellationToken), cancellationToken);

    private static async Task<int> UndoInAsync(long mergeId, string actor, NpgsqlConnection c, NpgsqlTransaction t,
        CancellationToken cancellationToken)
    {
        Guid targetId, sourceId;
        Guid[] moved;
        string snapshot;
        await using (var read = new NpgsqlCommand("""
            SELECT target_person_id, source_person_id, moved_face_ids, source_snapshot::text, undone_at IS NOT NULL
            FROM person_merges WHERE id = @id FOR UPDATE
            """, c, t))
        {
            read.Parameters.AddWithValue("id", mergeId);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
                throw new KeyNotFoundException($"Merge {mergeId} does not exist.");
            if (reader.GetBoolean(4))
                throw new InvalidOperationException($"Merge {mergeId} has already been undone.");
            (targetId, sourceId, moved, snapshot) = (reader.GetGuid(0), reader.GetGuid(1), reader.GetFieldValue<Guid[]>(2), reader.GetString(3));
        }
        var locked = await LockPersonsAsync([targetId, sourceId], c, t, cancellationToken);
        if (locked.Contains(sourceId))
            throw new InvalidOperationException($"Person {sourceId} exists again; the merge cannot be undone.");
        // Same id, name, hidden flag and creation time as before; counters and cover are recomputed below.
        await ExecuteAsync("""
            INSERT INTO persons (id, name, created_at, hidden, cover_face_id, best_quality)
            SELECT r.id, r.name, r.created_at, r.hidden, NULL, r.best_quality
            FROM jsonb_populate_record(NULL::persons, (@snap::jsonb)->'person') r
            """, c, t, cancellationToken, ("snap", snapshot));
        var back = await ScalarAsync<Guid[]>(
            "SELECT coalesce(array_agg(id), '{}') FROM faces WHERE id = ANY(@f) AND person_id = @t",
            c, t, cancellationToken, ("f", moved), ("t", targetId)) ?? [];
        if (back.Length > 0)
            await PersonEditor.MoveAsync(back, sourceId, c, t, cancellationToken);
        // The cover of the source before the merge, if it came back with its faces.
        await ExecuteAsync("""
            UPDATE persons SET cover_face_id = c.id
            FROM (SELECT f.id FROM faces f WHERE f.person_id = @s
                  AND f.id = ((@snap::jsonb)->'person'->>'cover_face_id')::uuid) c
            WHERE persons.id = @s
            """, c, t, cancellationToken, ("s", sourceId), ("snap", snapshot));
        if (locked.Contains(targetId))
        {
            // An unnamed target took the source's name in the merge: give it back.
            await ExecuteAsync("""
                UPDATE persons SET name = (@snap::jsonb)->>'targetName'
                WHERE id = @t AND (@snap::jsonb)->>'targetName' IS NULL AND name IS NOT DISTINCT FROM (@snap::jsonb)->'person'->>'name'
                """, c, t, cancellationToken, ("t", targetId), ("snap", snapshot));
        }
        await RecomputeAsync([sourceId, targetId], c, t, cancellationToken);
        await ExecuteAsync("UPDATE person_merges SET undone_at = now() WHERE id = @id", c, t, cancellationToken, ("id", mergeId));
        await AuditAsync(actor, "person.unmerge", sourceId.ToString(),
            new { mergeId, target = targetId, facesBack = back.Length, facesRecorded = moved.Length }, c, t, cancellationToken);
        return back.Length;
    }
}

/// <summary>
/// A merge was refused because some frames hold a face of each person (cannot-link: two faces of one photo are two
/// people). <see cref="SharedFrameIds"/> lists those frames, ascending.
/// </summary>
/// <param name="sourceId">The person to be merged.</param>
/// <param name="targetId">The person to merge into.</param>
/// <param name="sharedFrameIds">The frames holding a face of each; not empty.</param>
public sealed class PersonsShareFramesException(Guid sourceId, Guid targetId, IReadOnlyList<Guid> sharedFrameIds)
    : InvalidOperationException($"Persons {sourceId} and {targetId} both have a face in {sharedFrameIds.Count} photo(s) " +
        $"({string.Join(", ", sharedFrameIds.Take(5))}{(sharedFrameIds.Count > 5 ? ", …" : "")}); two faces of one photo are " +
        "never the same person. Move the wrongly assigned face first.")
{
    /// <summary>The person to be merged.</summary>
    public Guid SourceId { get; } = sourceId;

    /// <summary>The person to merge into.</summary>
    public Guid TargetId { get; } = targetId;

    /// <summary>Frames holding a face of each person, ascending id.</summary>
    public IReadOnlyList<Guid> SharedFrameIds { get; } = sharedFrameIds;
}
