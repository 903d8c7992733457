using System.Data;
using FaceAspire.Core.Data.Entities;
using Npgsql;
using Pgvector;

namespace FaceAspire.Core.Identity;

/// <summary>
/// Retries <c>deferred</c> faces (recognisable, no person yet: <see cref="IdentityMatcher"/>) once new faces have
/// arrived: a deferred face joins the person its neighbours vote for (the same vote, threshold and cannot-link rule as a
/// new face), or forms a new person with at least <see cref="IdentityOptions.MinClusterFaces"/> − 1 close deferred faces
/// of other frames (under the new-person lock, as <see cref="IdentityMatcher.CreateUnlessFoundAsync"/>), or stays
/// deferred. Each face in its own short READ COMMITTED transaction, so a pass never holds locks for long; it is safe to
/// run beside the workers. Run by the <c>retry-deferred</c> job (Worker).
/// </summary>
public sealed class DeferredFaces(NpgsqlDataSource dataSource, IdentityMatcher matcher, FaceStore store)
{
    /// <summary>
    /// One pass over every deferred face of <paramref name="modelVersion"/>, oldest first.
    /// </summary>
    /// <param name="modelVersion">Only faces of this embedding model (others wait for re-embedding).</param>
    /// <param name="progress">Called after each face with (done, total); may be null.</param>
    /// <param name="cancellationToken">Cancels between faces (a face's transaction is rolled back).</param>
    /// <returns>How many faces were retried, joined an existing person, formed persons (and how many persons), or stayed.</returns>
    public async Task<DeferredRetryResult> RetryAsync(string modelVersion, Func<int, int, Task>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelVersion);
        var ids = new List<Guid>();
        await using (var command = dataSource.CreateCommand(
            "SELECT id FROM faces WHERE identity_state = 'deferred' AND model_version = @mv ORDER BY created_at, id"))
        {
            command.Parameters.AddWithValue("mv", modelVersion);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                ids.Add(reader.GetGuid(0));
        }
        int joined = 0, formed = 0, persons = 0;
        for (var i = 0; i < ids.Count; i++)
        {
            var outcome = await RetryOneAsync(ids[i], modelVersion, cancellationToken);
            if (outcome.Joined)
                joined++;
            else if (outcome.Formed > 0)
            {
                formed += outcome.Formed;
                persons++;
            }
            if (progress is not null)
                await progress(i + 1, ids.Count);
        }
        return new DeferredRetryResult(ids.Count, joined, formed, persons, ids.Count - joined - formed);
    }

    private async Task<(bool Joined, int Formed)> RetryOneAsync(Guid faceId, string modelVersion, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        float[] embedding;
        Guid frameId;
        await using (var read = new NpgsqlCommand(
            "SELECT embedding, frame_id FROM faces WHERE id = @id AND identity_state = 'deferred'", connection, transaction))
        {
            read.Parameters.AddWithValue("id", faceId);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
                return (false, 0); // taken meanwhile (a worker's new person adopted it, or an operator moved it)
            embedding = reader.GetFieldValue<Vector>(0).ToArray();
            frameId = reader.GetGuid(1);
        }
        // Cannot-link: persons already holding a face of this face's frame; then its neighbours, itself left out.
        var cannotLink = new HashSet<Guid>();
        IReadOnlyList<Neighbour> neighbours;
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT DISTINCT person_id FROM faces WHERE frame_id = @f AND person_id IS NOT NULL")
            {
                Parameters = { new NpgsqlParameter<Guid>("f", frameId) },
            });
            foreach (var command in store.NearestCommands(embedding, matcher.Options.TopK + 1, modelVersion))
                batch.BatchCommands.Add(command);
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                cannotLink.Add(reader.GetGuid(0));
            await reader.NextResultAsync(cancellationToken);
            neighbours = [.. (await FaceStore.ReadNeighboursAsync(reader, cancellationToken)).Where(n => n.FaceId != faceId)];
        }

        if (matcher.Vote(neighbours, cannotLink) is { } match)
        {
            if (await AdoptAsync(match.PersonId, [faceId], connection, transaction, cancellationToken) == 0)
                return (false, 0);
            await transaction.CommitAsync(cancellationToken);
            return (true, 0);
        }

        await using (var lockCommand = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({IdentityMatcher.NewPersonLockKey})", connection, transaction))
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        var evidence = await matcher.DeferredEvidenceAsync(neighbours, frameId, connection, transaction, cancellationToken);
        if (evidence.Count < matcher.Options.MinClusterFaces - 1)
            return (false, 0);
        var personId = Guid.CreateVersion7();
        await store.CreatePersonAsync(personId, connection, transaction, cancellationToken);
        var adopted = await AdoptAsync(personId, [faceId, .. evidence], connection, transaction, cancellationToken);
        if (adopted < matcher.Options.MinClusterFaces)
            return (false, 0); // this face was taken between the read and the lock: roll back the empty person
        await transaction.CommitAsync(cancellationToken);
        return (false, adopted);
    }

    private static async Task<int> AdoptAsync(Guid personId, IReadOnlyList<Guid> faceIds, NpgsqlConnection connection,
        NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var commands = FaceStore.AdoptCommands(personId, faceIds).ToList();
        foreach (var command in commands)
            batch.BatchCommands.Add(command);
        batch.BatchCommands.Add(FaceStore.RecomputePersonsCommand([personId]));
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return commands[0].RecordsAffected;
    }
}

/// <summary>What one <see cref="DeferredFaces.RetryAsync"/> pass did.</summary>
/// <param name="Retried">Deferred faces looked at.</param>
/// <param name="Joined">Faces that joined an existing person.</param>
/// <param name="Formed">Faces that formed new persons (each person counts its own face and the adopted ones).</param>
/// <param name="NewPersons">Persons formed.</param>
/// <param name="Remaining">Faces still deferred (or taken meanwhile by another writer).</param>
public sealed record DeferredRetryResult(int Retried, int Joined, int Formed, int NewPersons, int Remaining);
