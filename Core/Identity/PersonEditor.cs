using Npgsql;
using NpgsqlTypes;
using static FaceAspire.Core.Identity.PersonEdits;

namespace FaceAspire.Core.Identity;

/// <summary>
/// Operator edits of identities: rename, hide, choose the cover, move faces to another or a new person (split),
/// unassign faces, delete a person with everything it owns. Each edit is ONE transaction that also writes its
/// <c>audit_log</c> row (actions <c>person.rename</c>, <c>person.hide</c>, <c>person.unhide</c>,
/// <c>person.cover</c>, <c>person.split</c>, <c>person.move</c>, <c>person.unassign</c>, <c>person.delete</c>) and
/// recomputes the counters of every person it touched; a deadlock or serialization failure runs it again
/// (<see cref="PersonEdits.InTransactionAsync{T}"/>). Merges are in <see cref="PersonMerger"/>. Thread-safe.
/// </summary>
public sealed class PersonEditor(NpgsqlDataSource dataSource)
{
    /// <summary>Longest accepted name, in UTF-16 code units.</summary>
    public const int MaxNameLength = 200;

    /// <summary>Sets (or with null/blank clears) the person's name.</summary>
    /// <exception cref="KeyNotFoundException">No such person.</exception>
    /// <exception cref="ArgumentException">Name longer than <see cref="MaxNameLength"/>.</exception>
    public async Task RenameAsync(Guid personId, string? name, string actor, CancellationToken cancellationToken = default)
    {
        name = string.IsNullOrWhiteSpace(name) ? null : name.Trim();
        if (name is { Length: > MaxNameLength })
            throw new ArgumentException($"Name longer than {MaxNameLength} characters.", nameof(name));
        await InTransactionAsync(async (c, t) =>
        {
            RequireAll(await LockPersonsAsync([personId], c, t, cancellationToken), personId);
            var old = await ScalarAsync<string>("SELECT name FROM persons WHERE id = @id", c, t, cancellationToken, ("id", personId));
            await ExecuteAsync("UPDATE persons SET name = @n WHERE id = @id", c, t, cancellationToken,
                ("id", personId), ("n", (object?)name ?? DBNull.Value));
            await AuditAsync(actor, "person.rename", personId.ToString(), new { from = old, to = name }, c, t, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>Hides (still matched, left out of lists) or unhides a person.</summary>
    /// <exception cref="KeyNotFoundException">No such person.</exception>
    public async Task SetHiddenAsync(Guid personId, bool hidden, string actor, CancellationToken cancellationToken = default) =>
        await InTransactionAsync(async (c, t) =>
        {
            RequireAll(await LockPersonsAsync([personId], c, t, cancellationToken), personId);
            await ExecuteAsync("UPDATE persons SET hidden = @h WHERE id = @id", c, t, cancellationToken, ("id", personId), ("h", hidden));
            await AuditAsync(actor, hidden ? "person.hide" : "person.unhide", personId.ToString(), null, c, t, cancellationToken);
        }, cancellationToken);

    /// <summary>
    /// Makes <paramref name="faceId"/> the cover. <c>best_quality</c> becomes the person's highest face quality,
    /// so the choice stands until a face better than every current one arrives (then the automatic rule of
    /// <see cref="FaceStore.UpdatePersonAsync"/> takes over again).
    /// </summary>
    /// <exception cref="KeyNotFoundException">No such person, or the face is not one of its faces.</exception>
    public async Task SetCoverAsync(Guid personId, Guid faceId, string actor, CancellationToken cancellationToken = default) =>
        await InTransactionAsync(async (c, t) =>
        {
            RequireAll(await LockPersonsAsync([personId], c, t, cancellationToken), personId);
            var n = await ExecuteAsync("""
                UPDATE persons SET cover_face_id = @f,
                  best_quality = (SELECT max(quality) FROM faces WHERE person_id = @id)
                WHERE id = @id AND EXISTS (SELECT 1 FROM faces WHERE id = @f AND person_id = @id)
                """, c, t, cancellationToken, ("id", personId), ("f", faceId));
            if (n == 0)
                throw new KeyNotFoundException($"Face {faceId} is not a face of person {personId}.");
            await AuditAsync(actor, "person.cover", personId.ToString(), new { faceId }, c, t, cancellationToken);
        }, cancellationToken);

    /// <summary>
    /// Moves faces (with their emotion-log rows) to <paramref name="targetPersonId"/>, or, when it is null, to a
    /// NEW person (a split). Faces may come from several persons; every person that lost or gained faces gets
    /// its counters and cover recomputed. Audited as <c>person.move</c> or <c>person.split</c>.
    /// </summary>
    /// <returns>The target person's id (the new one for a split).</returns>
    /// <exception cref="ArgumentException">No face ids given.</exception>
    /// <exception cref="KeyNotFoundException">The target person or one of the faces does not exist.</exception>
    /// <exception cref="FacesShareFramesException">The target already holds another face of a moved face's frame, or
    /// two moved faces come from one frame (cannot-link: two faces of one photo are never one person); nothing moved.</exception>
    public async Task<Guid> MoveFacesAsync(IReadOnlyCollection<Guid> faceIds, Guid? targetPersonId, string actor,
        CancellationToken cancellationToken = default)
    {
        if (faceIds.Count == 0)
            throw new ArgumentException("No faces selected.", nameof(faceIds));
        var target = targetPersonId ?? Guid.CreateVersion7();
        await InTransactionAsync(async (c, t) =>
        {
            var from = await CurrentPersonsAsync(faceIds, c, t, cancellationToken);
            if (targetPersonId is null)
                await ExecuteAsync("INSERT INTO persons (id) VALUES (@id)", c, t, cancellationToken, ("id", target));
            var locked = await LockPersonsAsync([.. from, target], c, t, cancellationToken);
            RequireAll(locked, target);
            // Under the target's lock, so no face of these frames can join it between this check and the move.
            var shared = await SharedFramesAsync(faceIds, target, c, t, cancellationToken);
            if (shared.Length > 0)
                throw new FacesShareFramesException(targetPersonId, shared);
            await MoveAsync(faceIds, target, c, t, cancellationToken);
            await RecomputeAsync([.. from, target], c, t, cancellationToken);
            await AuditAsync(actor, targetPersonId is null ? "person.split" : "person.move", target.ToString(),
                new { faces = faceIds, from }, c, t, cancellationToken);
        }, cancellationToken);
        return target;
    }

    /// <summary>Detaches faces from their persons (person_id = null on faces and emotion rows); audited.</summary>
    /// <exception cref="KeyNotFoundException">A face does not exist.</exception>
    public async Task UnassignFacesAsync(IReadOnlyCollection<Guid> faceIds, string actor, CancellationToken cancellationToken = default) =>
        await InTransactionAsync(async (c, t) =>
        {
            var from = await CurrentPersonsAsync(faceIds, c, t, cancellationToken);
            await LockPersonsAsync(from, c, t, cancellationToken);
            await MoveAsync(faceIds, null, c, t, cancellationToken);
            await RecomputeAsync(from, c, t, cancellationToken);
            await AuditAsync(actor, "person.unassign", from.Count == 1 ? from[0].ToString() : null,
                new { faces = faceIds, from }, c, t, cancellationToken);
        }, cancellationToken);

    /// <summary>
    /// Deletes a person and erases what it owns: its faces (embeddings and crops are columns of <c>faces</c>) and,
    /// by cascade, their emotion-log rows. Frames stay (other people may be in them).
    /// </summary>
    /// <returns>The number of faces erased.</returns>
    /// <exception cref="KeyNotFoundException">No such person.</exception>
    public Task<int> DeleteAsync(Guid personId, string actor, CancellationToken cancellationToken = default) =>
        DeleteAsync(personId, keepFaces: false, actor, cancellationToken);

    /// <summary>
    /// Deletes a person. With <paramref name="keepFaces"/> its faces stay, without a person (identity state
    /// <c>unassigned</c>, emotion rows detached too), to be assigned by hand later; without it they are erased as in
    /// <see cref="DeleteAsync(Guid, string, CancellationToken)"/>. One transaction, audited as <c>person.delete</c>
    /// with the face count and what happened to the faces (<c>kept</c> or <c>deleted</c>).
    /// </summary>
    /// <returns>The number of faces kept (unassigned) or erased.</returns>
    /// <exception cref="KeyNotFoundException">No such person.</exception>
    public async Task<int> DeleteAsync(Guid personId, bool keepFaces, string actor, CancellationToken cancellationToken = default)
    {
        var faces = 0;
        await InTransactionAsync(async (c, t) =>
        {
            if (!await LockPersonToDeleteAsync(personId, c, t, cancellationToken))
                throw new KeyNotFoundException($"Person {personId} does not exist.");
            var name = await ScalarAsync<string>("SELECT name FROM persons WHERE id = @id", c, t, cancellationToken, ("id", personId));
            // The cover points at one of these faces; clear it first so the FK action does not rewrite the row.
            await ExecuteAsync("UPDATE persons SET cover_face_id = NULL WHERE id = @id", c, t, cancellationToken, ("id", personId));
            if (keepFaces)
            {
                // faces.person_id is ON DELETE RESTRICT and the state check ties 'assigned' to a person: detach first.
                var ids = await ScalarAsync<Guid[]>("SELECT coalesce(array_agg(id), '{}') FROM faces WHERE person_id = @id",
                    c, t, cancellationToken, ("id", personId)) ?? [];
                await MoveAsync(ids, null, c, t, cancellationToken);
                faces = ids.Length;
            }
            else
                faces = await ExecuteAsync("DELETE FROM faces WHERE person_id = @id", c, t, cancellationToken, ("id", personId));
            await ExecuteAsync("DELETE FROM persons WHERE id = @id", c, t, cancellationToken, ("id", personId));
            await AuditAsync(actor, "person.delete", personId.ToString(),
                new { name, faces, facesKept = keepFaces }, c, t, cancellationToken);
        }, cancellationToken);
        return faces;
    }

    /// <summary>
    /// Frames (ascending) where moving <paramref name="faceIds"/> to <paramref name="target"/> would give the target two
    /// faces of one photo: a frame holding a moved face and another face already on the target, or two moved faces.
    /// </summary>
    private static async Task<Guid[]> SharedFramesAsync(IReadOnlyCollection<Guid> faceIds, Guid target, NpgsqlConnection c,
        NpgsqlTransaction t, CancellationToken cancellationToken) =>
        await ScalarAsync<Guid[]>("""
            SELECT coalesce(array_agg(DISTINCT m.frame_id ORDER BY m.frame_id), '{}')
            FROM faces m JOIN faces o ON o.frame_id = m.frame_id AND o.id <> m.id
            WHERE m.id = ANY(@f) AND (o.person_id = @t OR o.id = ANY(@f))
            """, c, t, cancellationToken, ("f", faceIds.Distinct().ToArray()), ("t", target)) ?? [];

    internal static async Task<List<Guid>> CurrentPersonsAsync(IReadOnlyCollection<Guid> faceIds, NpgsqlConnection c,
        NpgsqlTransaction t, CancellationToken cancellationToken)
    {
        var ids = faceIds.Distinct().ToArray();
        var persons = new List<Guid>();
        var found = 0;
        await using var command = new NpgsqlCommand("SELECT id, person_id FROM faces WHERE id = ANY(@f)", c, t);
        command.Parameters.AddWithValue("f", ids);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                found++;
                if (!reader.IsDBNull(1) && !persons.Contains(reader.GetGuid(1)))
                    persons.Add(reader.GetGuid(1));
            }
        }
        if (found != ids.Length)
            throw new KeyNotFoundException($"{ids.Length - found} of the selected faces do not exist.");
        return persons;
    }

    internal static async Task MoveAsync(IReadOnlyCollection<Guid> faceIds, Guid? target, NpgsqlConnection c, NpgsqlTransaction t,
        CancellationToken cancellationToken)
    {
        var ids = faceIds.Distinct().ToArray();
        var person = target is { } p ? (object)p : DBNull.Value;
        await using var command = new NpgsqlCommand("""
            UPDATE faces SET person_id = @p,
                identity_state = CASE WHEN @p IS NULL THEN 'unassigned' ELSE 'assigned' END WHERE id = ANY(@f);
            UPDATE emotions SET person_id = @p WHERE face_id = ANY(@f);
            """, c, t);
        command.Parameters.AddWithValue("f", ids);
        command.Parameters.AddWithValue("p", NpgsqlDbType.Uuid, person);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private Task InTransactionAsync(Func<NpgsqlConnection, NpgsqlTransaction, Task> work, CancellationToken cancellationToken) =>
        PersonEdits.InTransactionAsync(dataSource, async (c, t) =>
        {
            await work(c, t);
            return true;
        }, cancellationToken);
}

/// <summary>
/// A move was refused because it would give one person two faces of one photo (cannot-link): the target already holds
/// another face of a moved face's frame, or two of the moved faces come from one frame.
/// </summary>
/// <param name="targetPersonId">The person the faces were to move to; null for a new person (a split).</param>
/// <param name="sharedFrameIds">The frames in conflict, ascending; not empty.</param>
public sealed class FacesShareFramesException(Guid? targetPersonId, IReadOnlyList<Guid> sharedFrameIds)
    : InvalidOperationException($"{(targetPersonId is { } p ? $"Person {p}" : "The new person")} would hold two faces of " +
        $"{sharedFrameIds.Count} photo(s) ({string.Join(", ", sharedFrameIds.Take(5))}{(sharedFrameIds.Count > 5 ? ", …" : "")}); " +
        "two faces of one photo are never the same person.")
{
    /// <summary>The target person; null for a split into a new person.</summary>
    public Guid? TargetPersonId { get; } = targetPersonId;

    /// <summary>Frames that would hold two faces of the target, ascending id.</summary>
    public IReadOnlyList<Guid> SharedFrameIds { get; } = sharedFrameIds;
}
