using System.Data;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceAspire.Core.Identity;

/// <summary>
/// Assigns faces to persons. For one embedding: HNSW top-k (<see cref="IdentityOptions.TopK"/>) by cosine
/// distance; every neighbour with similarity ≥ <see cref="IdentityOptions.MatchThreshold"/> votes for its person
/// with its similarity; the person with the highest summed similarity wins; with no vote, a new person is made.
/// <para>
/// Race-free person creation: two workers that see the same new face at once would both find no match and both
/// create a person. So a face without a vote is searched again at <see cref="IdentityOptions.NewPersonEfSearch"/>
/// (the index's misses would otherwise become duplicate persons), in one round trip with a statement that records a
/// snapshot no newer than that search's (<see cref="FaceStore.SnapshotCommand"/>). Still without a vote, the matcher
/// takes a transaction-scoped advisory lock (<c>pg_advisory_xact_lock(<see cref="NewPersonLockKey"/>)</c>) and, under
/// it, computes exact distances to the faces that snapshot could not see (<see cref="FaceStore.WrittenSinceCommand"/>):
/// whoever created a person before releasing the lock had committed its face, so that face is either in the
/// re-search's view or among these. Only then is a person created; the lock is held until the transaction ends, i.e.
/// until the face that created the person is committed. Under READ COMMITTED the statement after the lock takes a
/// fresh snapshot and sees those commits; hence the transaction must be READ COMMITTED (checked). Only new-person
/// creation is serialised, and the lock covers a scan of the faces written meanwhile (docs/adr/0012), not an index
/// search; matches to existing persons never take the lock.
/// </para>
/// <para>
/// Lock order (no deadlocks): faces are matched and inserted first (only key-share locks on persons), person
/// counters are updated last, in person-id order (<see cref="UpdatePersonsAsync"/>).
/// </para>
/// </summary>
public sealed class IdentityMatcher(FaceStore store, IOptions<IdentityOptions> options)
{
    /// <summary>Advisory-lock key serialising new-person creation (ASCII "FACENEWP").</summary>
    public const long NewPersonLockKey = 0x4641_4345_4E45_5750;

    private readonly IdentityOptions _options = options.Value;

    /// <summary>The options in force.</summary>
    public IdentityOptions Options => _options;

    /// <summary>
    /// The vote among <paramref name="neighbours"/> (pure function): neighbours without a person or below the
    /// threshold are ignored; ties on summed similarity go to the higher single similarity.
    /// </summary>
    /// <returns>The winning person and its best similarity, or null when nobody is within the threshold.</returns>
    public (Guid PersonId, float BestSimilarity)? Vote(IReadOnlyList<Neighbour> neighbours)
    {
        var scores = new Dictionary<Guid, (float Sum, float Best)>();
        foreach (var n in neighbours)
        {
            if (n.PersonId is not { } person || n.Similarity < _options.MatchThreshold)
                continue;
            var s = scores.GetValueOrDefault(person);
            scores[person] = (s.Sum + n.Similarity, Math.Max(s.Best, n.Similarity));
        }
        if (scores.Count == 0)
            return null;
        var winner = scores.OrderByDescending(kv => kv.Value.Sum).ThenByDescending(kv => kv.Value.Best).ThenBy(kv => kv.Key).First();
        return (winner.Key, winner.Value.Best);
    }

    /// <summary>
    /// Matches one face, creating a person when nothing matches, and inserts the face with its person, inside the
    /// caller's READ COMMITTED transaction: <see cref="SearchAsync"/>, <see cref="DecideAsync"/>, then the face's
    /// INSERT (<see cref="FaceStore.InsertFaceAsync"/>). Person counters are NOT updated here: call
    /// <see cref="UpdatePersonsAsync"/> with all assignments of the transaction before committing.
    /// </summary>
    /// <exception cref="ArgumentException">The observation is malformed.</exception>
    /// <exception cref="InvalidOperationException">The transaction is not READ COMMITTED.</exception>
    public async Task<FaceAssignment> AssignAsync(FaceObservation face, FaceOrigin origin, NpgsqlConnection connection,
        NpgsqlTransaction transaction, CancellationToken cancellationToken = default)
    {
        RequireReadCommitted(transaction);
        var neighbours = await SearchAsync(face, origin.ModelVersion, [], connection, transaction, cancellationToken);
        var assignment = await DecideAsync(face, origin, neighbours, connection, transaction, cancellationToken);
        await store.InsertFaceAsync(assignment.FaceId, assignment.PersonId, assignment.NewPerson, face, origin, connection, transaction, cancellationToken);
        return assignment;
    }

    /// <summary>
    /// The HNSW top-<see cref="IdentityOptions.TopK"/> of <paramref name="face"/> among faces of
    /// <paramref name="modelVersion"/> (only vectors of one embedding model are comparable; faces of an older model
    /// wait for re-embedding), with <paramref name="before"/> (statements without a result set, e.g. the previous
    /// face's <see cref="InsertCommand"/>) executed first in the same round trip.
    /// </summary>
    /// <exception cref="ArgumentException">The observation is malformed.</exception>
    public async Task<IReadOnlyList<Neighbour>> SearchAsync(FaceObservation face, string modelVersion, IEnumerable<NpgsqlBatchCommand> before,
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken = default)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var command in before.Concat(SearchCommands(face, modelVersion)))
            batch.BatchCommands.Add(command);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        return await FaceStore.ReadNeighboursAsync(reader, cancellationToken);
    }

    /// <summary><see cref="SearchAsync"/>'s statements (the query last), for a caller that batches them with its own;
    /// read the rows with <see cref="FaceStore.ReadNeighboursAsync"/>.</summary>
    /// <exception cref="ArgumentException">The observation is malformed.</exception>
    public IReadOnlyList<NpgsqlBatchCommand> SearchCommands(FaceObservation face, string modelVersion)
    {
        face.Validate();
        return store.NearestCommands(face.Embedding, _options.TopK, modelVersion);
    }

    /// <summary>
    /// Decides the person of <paramref name="face"/> from <paramref name="neighbours"/>, its search in this
    /// transaction (which must have seen the faces this transaction inserted before it): the vote; with no vote,
    /// <see cref="SearchAgainAsync"/> and its vote; still with none, <see cref="CreateUnlessFoundAsync"/>. The face is
    /// NOT inserted: send <see cref="InsertCommand"/> before the next face's search and before committing (a new
    /// person's lock is held until then).
    /// </summary>
    /// <returns>The assignment, with a fresh face id.</returns>
    /// <exception cref="ArgumentException">The observation is malformed.</exception>
    /// <exception cref="InvalidOperationException">The transaction is not READ COMMITTED.</exception>
    public async Task<FaceAssignment> DecideAsync(FaceObservation face, FaceOrigin origin, IReadOnlyList<Neighbour> neighbours,
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken = default)
    {
        face.Validate();
        RequireReadCommitted(transaction);
        if (Vote(neighbours) is { } match)
            return Assigned(face, origin, match.PersonId, match.BestSimilarity);
        var again = await SearchAgainAsync(face, origin.ModelVersion, connection, transaction, cancellationToken);
        if (Vote(again.Neighbours) is { } found)
            return Assigned(face, origin, found.PersonId, found.BestSimilarity);
        return await CreateUnlessFoundAsync(face, origin, again, connection, transaction, cancellationToken);
    }

    /// <summary>
    /// The new-person path's re-search, without the lock: the snapshot (<see cref="FaceStore.SnapshotCommand"/>) and
    /// the HNSW top-<see cref="IdentityOptions.TopK"/> at <see cref="IdentityOptions.EffectiveNewPersonEfSearch"/>, in
    /// one round trip, the snapshot first.
    /// </summary>
    /// <exception cref="ArgumentException">The observation is malformed.</exception>
    public async Task<NewPersonSearch> SearchAgainAsync(FaceObservation face, string modelVersion, NpgsqlConnection connection,
        NpgsqlTransaction transaction, CancellationToken cancellationToken = default)
    {
        face.Validate();
        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { FaceStore.SnapshotCommand() } };
        foreach (var command in store.NearestCommands(face.Embedding, _options.TopK, modelVersion, _options.EffectiveNewPersonEfSearch))
            batch.BatchCommands.Add(command);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var snapshot = reader.GetString(0);
        await reader.NextResultAsync(cancellationToken);
        return new NewPersonSearch(await FaceStore.ReadNeighboursAsync(reader, cancellationToken), snapshot);
    }

    /// <summary>
    /// Under the new-person lock (taken here, held until the transaction ends): the faces written since
    /// <paramref name="search"/>'s snapshot (<see cref="FaceStore.WrittenSinceCommand"/>, exact distances) join its
    /// neighbours, and the nearest <see cref="IdentityOptions.TopK"/> of both vote; with no vote, a new person row.
    /// </summary>
    /// <param name="face">The face (validated).</param>
    /// <param name="origin">Its frame, capture time, source and embedding model.</param>
    /// <param name="search">This face's <see cref="SearchAgainAsync"/> in this transaction, whose neighbours gave no vote.</param>
    /// <param name="connection">An open connection.</param>
    /// <param name="transaction">Its READ COMMITTED transaction; the lock is held until it ends.</param>
    /// <param name="cancellationToken">Cancels the statements.</param>
    /// <returns>The assignment (<see cref="FaceAssignment.NewPerson"/> when a person was made), with a fresh face id.</returns>
    /// <exception cref="ArgumentException">The observation is malformed.</exception>
    /// <exception cref="InvalidOperationException">The transaction is not READ COMMITTED.</exception>
    public async Task<FaceAssignment> CreateUnlessFoundAsync(FaceObservation face, FaceOrigin origin, NewPersonSearch search,
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken = default)
    {
        face.Validate();
        RequireReadCommitted(transaction);
        IReadOnlyList<Neighbour> since;
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"SELECT pg_advisory_xact_lock({NewPersonLockKey})"));
            // After the lock in the same batch: its own statement, so its snapshot is taken once the lock is held.
            batch.BatchCommands.Add(FaceStore.WrittenSinceCommand(face.Embedding, _options.TopK, search.Snapshot, origin.ModelVersion));
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
            await reader.NextResultAsync(cancellationToken);
            since = await FaceStore.ReadNeighboursAsync(reader, cancellationToken);
        }
        // A face in both is the same face; the later read wins (its vector may have been re-embedded meanwhile).
        var merged = since.Concat(search.Neighbours).DistinctBy(n => n.FaceId).OrderBy(n => n.Distance).Take(_options.TopK).ToList();
        if (Vote(merged) is { } match)
            return Assigned(face, origin, match.PersonId, match.BestSimilarity);
        var personId = Guid.CreateVersion7();
        await store.CreatePersonAsync(personId, connection, transaction, cancellationToken);
        return new FaceAssignment(Guid.CreateVersion7(), personId, true, null, face.Quality, origin.CapturedAt);
    }

    private static FaceAssignment Assigned(FaceObservation face, FaceOrigin origin, Guid personId, float similarity) =>
        new(Guid.CreateVersion7(), personId, false, similarity, face.Quality, origin.CapturedAt);

    private static void RequireReadCommitted(NpgsqlTransaction transaction)
    {
        if (transaction.IsolationLevel is not (IsolationLevel.ReadCommitted or IsolationLevel.Unspecified))
            throw new InvalidOperationException("IdentityMatcher needs a READ COMMITTED transaction: the re-check after the lock must see newly committed faces.");
    }

    /// <summary>The INSERT of an assigned face (<see cref="FaceStore.InsertFaceCommand"/>).</summary>
    public static NpgsqlBatchCommand InsertCommand(FaceAssignment assignment, FaceObservation face, FaceOrigin origin) =>
        FaceStore.InsertFaceCommand(assignment.FaceId, assignment.PersonId, assignment.NewPerson, face, origin);

    /// <summary>
    /// Updates <c>face_count</c>, <c>last_seen</c>, <c>cover_face_id</c> and <c>best_quality</c> of every person in
    /// <paramref name="assignments"/>, one statement per person in ascending id order (a fixed lock order, so two
    /// transactions touching the same persons cannot deadlock).
    /// </summary>
    public async Task UpdatePersonsAsync(IEnumerable<FaceAssignment> assignments, NpgsqlConnection connection,
        NpgsqlTransaction transaction, CancellationToken cancellationToken = default)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var command in UpdatePersonsCommands(assignments))
            batch.BatchCommands.Add(command);
        if (batch.BatchCommands.Count > 0)
            await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The statements of <see cref="UpdatePersonsAsync"/> (one per person, ascending person id), to send in one
    /// batch with the caller's other writes. The batch must run after the faces are inserted (the cover is a face).
    /// </summary>
    public static IEnumerable<NpgsqlBatchCommand> UpdatePersonsCommands(IEnumerable<FaceAssignment> assignments) =>
        assignments.GroupBy(a => a.PersonId).OrderBy(g => g.Key).Select(group =>
        {
            var best = group.OrderByDescending(a => a.Quality).First();
            return FaceStore.UpdatePersonCommand(group.Key, group.Count(), group.Max(a => a.CapturedAt), best.FaceId, best.Quality);
        });

    /// <summary>
    /// One face in its own READ COMMITTED transaction on a connection from <paramref name="dataSource"/>: match or
    /// create, insert, update the person, commit.
    /// </summary>
    public async Task<FaceAssignment> AssignAsync(FaceObservation face, FaceOrigin origin, NpgsqlDataSource dataSource,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var assignment = await AssignAsync(face, origin, connection, transaction, cancellationToken);
        await UpdatePersonsAsync([assignment], connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return assignment;
    }
}

/// <summary>The new-person path's re-search (<see cref="IdentityMatcher.SearchAgainAsync"/>).</summary>
/// <param name="Neighbours">Its HNSW top-k, nearest first.</param>
/// <param name="Snapshot">A snapshot no newer than the search's (<c>pg_current_snapshot()::text</c>).</param>
public sealed record NewPersonSearch(IReadOnlyList<Neighbour> Neighbours, string Snapshot);
