using FaceAspire.Core.Data.Entities;
using System.Data;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceAspire.Core.Identity;

/// <summary>
/// Assigns faces to persons (docs/identity.md, ADR 0027). A face under the recognisability gate
/// (<see cref="Recognisability"/> &lt; <see cref="IdentityOptions.MinRecognisability"/>) is <c>unidentified</c>: not
/// searched, no person. Otherwise: HNSW top-k (<see cref="IdentityOptions.TopK"/>) by cosine distance among
/// <c>assigned</c> and <c>deferred</c> faces; every neighbour with a person and similarity ≥
/// <see cref="IdentityOptions.MatchThreshold"/> votes for its person with its similarity, except persons the face
/// cannot be (cannot-link: they already hold a face of the same frame); among persons with two votes, or one at
/// <see cref="IdentityOptions.SingleLinkThreshold"/>, the highest summed similarity wins. With no vote, a face recognisable enough (≥ <see cref="IdentityOptions.NewPersonRecognisability"/>) opens a new
/// person at once; a weaker one forms a person only together with <see cref="IdentityOptions.MinClusterFaces"/> − 1
/// close <c>deferred</c> faces of other frames (DBSCAN's core-point rule), and is otherwise <c>deferred</c> itself.
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

    /// <summary>The face's <see cref="Recognisability"/> score under these options, in [0, 1].</summary>
    public float RecognisabilityOf(FaceObservation face) => Recognisability.Score(face, _options.FullSizeInterOcularPixels);

    /// <summary>True when <paramref name="face"/> passes the recognisability gate (it is searched and may get a person).</summary>
    public bool PassesGate(FaceObservation face) => RecognisabilityOf(face) >= _options.MinRecognisability;

    /// <summary>
    /// The vote among <paramref name="neighbours"/> (pure function): neighbours without a person, below the threshold,
    /// or of a person in <paramref name="cannotLink"/> are ignored; a person needs two votes or one at
    /// <see cref="IdentityOptions.SingleLinkThreshold"/>; the highest summed similarity wins, ties going to the higher
    /// single similarity.
    /// </summary>
    /// <param name="neighbours">The face's neighbours.</param>
    /// <param name="cannotLink">Persons the face cannot belong to (they hold another face of its frame); null = none.</param>
    /// <returns>The winning person and its best similarity, or null when nobody is within the threshold.</returns>
    public (Guid PersonId, float BestSimilarity)? Vote(IReadOnlyList<Neighbour> neighbours, IReadOnlyCollection<Guid>? cannotLink = null)
    {
        var scores = new Dictionary<Guid, (float Sum, float Best, int Votes)>();
        foreach (var n in neighbours)
        {
            if (n.PersonId is not { } person || n.Similarity < _options.MatchThreshold || cannotLink?.Contains(person) == true)
                continue;
            var s = scores.GetValueOrDefault(person);
            scores[person] = (s.Sum + n.Similarity, Math.Max(s.Best, n.Similarity), s.Votes + 1);
        }
        // Support: two voting faces, or one strong enough alone (no single-link chaining, IdentityOptions.SingleLinkThreshold).
        var supported = scores.Where(kv => kv.Value.Votes >= 2 || kv.Value.Best >= _options.SingleLinkThreshold).ToList();
        if (supported.Count == 0)
            return null;
        var winner = supported.OrderByDescending(kv => kv.Value.Sum).ThenByDescending(kv => kv.Value.Best).ThenBy(kv => kv.Key).First();
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
        var neighbours = PassesGate(face) ? await SearchAsync(face, origin.ModelVersion, [], connection, transaction, cancellationToken) : [];
        var assignment = await DecideAsync(face, origin, neighbours, connection, transaction, cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var command in InsertCommands(assignment, face, origin))
            batch.BatchCommands.Add(command);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return assignment;
    }

    /// <summary>
    /// The HNSW top-<see cref="IdentityOptions.TopK"/> of <paramref name="face"/> among faces of
    /// <paramref name="modelVersion"/> (only vectors of one embedding model are comparable; faces of an older model
    /// wait for re-embedding), with <paramref name="before"/> (statements without a result set, e.g. the previous
    /// face's <see cref="InsertCommands"/>) executed first in the same round trip.
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
    /// transaction (which must have seen the faces this transaction inserted before it): under the gate,
    /// <c>unidentified</c> (no search needed: pass no neighbours); else the vote; with no vote,
    /// <see cref="SearchAgainAsync"/> and its vote; still with none, <see cref="CreateUnlessFoundAsync"/>. The face is
    /// NOT inserted: send <see cref="InsertCommands"/> before the next face's search and before committing (a new
    /// person's lock is held until then).
    /// </summary>
    /// <param name="face">The face.</param>
    /// <param name="origin">Its frame, capture time, source and embedding model.</param>
    /// <param name="neighbours">Its search (<see cref="SearchAsync"/>) in this transaction.</param>
    /// <param name="connection">An open connection.</param>
    /// <param name="transaction">Its READ COMMITTED transaction.</param>
    /// <param name="cancellationToken">Cancels the statements.</param>
    /// <param name="cannotLink">Persons that already hold a face of the same frame (the frame's earlier faces).</param>
    /// <returns>The assignment, with a fresh face id.</returns>
    /// <exception cref="ArgumentException">The observation is malformed.</exception>
    /// <exception cref="InvalidOperationException">The transaction is not READ COMMITTED.</exception>
    public async Task<FaceAssignment> DecideAsync(FaceObservation face, FaceOrigin origin, IReadOnlyList<Neighbour> neighbours,
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken = default,
        IReadOnlyCollection<Guid>? cannotLink = null)
    {
        face.Validate();
        RequireReadCommitted(transaction);
        var score = RecognisabilityOf(face);
        if (score < _options.MinRecognisability)
            return Without(face, origin, FaceIdentityStates.Unidentified, score);
        if (Vote(neighbours, cannotLink) is { } match)
            return Assigned(face, origin, match.PersonId, match.BestSimilarity, score);
        var again = await SearchAgainAsync(face, origin.ModelVersion, connection, transaction, cancellationToken);
        if (Vote(again.Neighbours, cannotLink) is { } found)
            return Assigned(face, origin, found.PersonId, found.BestSimilarity, score);
        return await CreateUnlessFoundAsync(face, origin, again, connection, transaction, cancellationToken, cannotLink);
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
    /// neighbours, and the nearest <see cref="IdentityOptions.TopK"/> of both vote. With no vote: a face with
    /// recognisability ≥ <see cref="IdentityOptions.NewPersonRecognisability"/> opens a new person row; a weaker one opens
    /// it only when at least <see cref="IdentityOptions.MinClusterFaces"/> − 1 of those neighbours are <c>deferred</c>
    /// faces of other frames (one per frame) within the threshold and still deferred under the lock (they are adopted:
    /// <see cref="FaceAssignment.Adopted"/>); otherwise the face is <c>deferred</c>. Since a deferred face joins only a
    /// new person, never an existing one, it cannot bridge two persons.
    /// </summary>
    /// <param name="face">The face (validated).</param>
    /// <param name="origin">Its frame, capture time, source and embedding model.</param>
    /// <param name="search">This face's <see cref="SearchAgainAsync"/> in this transaction, whose neighbours gave no vote.</param>
    /// <param name="connection">An open connection.</param>
    /// <param name="transaction">Its READ COMMITTED transaction; the lock is held until it ends.</param>
    /// <param name="cancellationToken">Cancels the statements.</param>
    /// <param name="cannotLink">Persons that already hold a face of the same frame.</param>
    /// <returns>The assignment (<see cref="FaceAssignment.NewPerson"/> when a person was made), with a fresh face id.</returns>
    /// <exception cref="ArgumentException">The observation is malformed.</exception>
    /// <exception cref="InvalidOperationException">The transaction is not READ COMMITTED.</exception>
    public async Task<FaceAssignment> CreateUnlessFoundAsync(FaceObservation face, FaceOrigin origin, NewPersonSearch search,
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken = default,
        IReadOnlyCollection<Guid>? cannotLink = null)
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
        var score = RecognisabilityOf(face);
        if (Vote(merged, cannotLink) is { } match)
            return Assigned(face, origin, match.PersonId, match.BestSimilarity, score);
        IReadOnlyList<Guid> adopted = [];
        if (score < _options.NewPersonRecognisability)
        {
            adopted = await DeferredEvidenceAsync(merged, origin.FrameId, connection, transaction, cancellationToken);
            if (adopted.Count < _options.MinClusterFaces - 1)
                return Without(face, origin, FaceIdentityStates.Deferred, score);
        }
        var personId = Guid.CreateVersion7();
        await store.CreatePersonAsync(personId, connection, transaction, cancellationToken);
        return new FaceAssignment(Guid.CreateVersion7(), personId, true, null, face.Quality, origin.CapturedAt, FaceIdentityStates.Assigned, score, adopted);
    }

    /// <summary>
    /// The deferred faces among <paramref name="neighbours"/> that can form a person with a face of
    /// <paramref name="frameId"/>: within the threshold, of other frames, the nearest one per frame, and still deferred
    /// now (a fresh statement under the new-person lock, since the search's rows may be stale). Empty when fewer than
    /// <see cref="IdentityOptions.MinClusterFaces"/> − 1 qualify (nothing is read then).
    /// </summary>
    public async Task<IReadOnlyList<Guid>> DeferredEvidenceAsync(IReadOnlyList<Neighbour> neighbours, Guid frameId,
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken = default)
    {
        var candidates = neighbours
            .Where(n => n.PersonId is null && n.Similarity >= _options.MatchThreshold && n.FrameId != frameId)
            .OrderBy(n => n.Distance).DistinctBy(n => n.FrameId).Select(n => n.FaceId).ToArray();
        if (candidates.Length < _options.MinClusterFaces - 1)
            return [];
        await using var command = new NpgsqlCommand(
            "SELECT id FROM faces WHERE id = ANY(@ids) AND identity_state = 'deferred' AND person_id IS NULL", connection, transaction);
        command.Parameters.AddWithValue("ids", candidates);
        var still = new List<Guid>(candidates.Length);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            still.Add(reader.GetGuid(0));
        return still.Count >= _options.MinClusterFaces - 1 ? still : [];
    }

    private static FaceAssignment Assigned(FaceObservation face, FaceOrigin origin, Guid personId, float similarity, float score) =>
        new(Guid.CreateVersion7(), personId, false, similarity, face.Quality, origin.CapturedAt, FaceIdentityStates.Assigned, score);

    private static FaceAssignment Without(FaceObservation face, FaceOrigin origin, string state, float score) =>
        new(Guid.CreateVersion7(), null, false, null, face.Quality, origin.CapturedAt, state, score);

    private static void RequireReadCommitted(NpgsqlTransaction transaction)
    {
        if (transaction.IsolationLevel is not (IsolationLevel.ReadCommitted or IsolationLevel.Unspecified))
            throw new InvalidOperationException("IdentityMatcher needs a READ COMMITTED transaction: the re-check after the lock must see newly committed faces.");
    }

    /// <summary>
    /// The writes of a decided face: its INSERT (<see cref="FaceStore.InsertFaceCommand"/>, with its state and
    /// recognisability) and, when it formed a person from deferred faces, their adoption (faces and emotion-log rows).
    /// </summary>
    public static IEnumerable<NpgsqlBatchCommand> InsertCommands(FaceAssignment assignment, FaceObservation face, FaceOrigin origin)
    {
        yield return FaceStore.InsertFaceCommand(assignment.FaceId, assignment.PersonId, assignment.NewPerson, face, origin,
            assignment.State, assignment.Recognisability);
        if (assignment is { PersonId: { } person, AdoptedFaces.Count: > 0 })
            foreach (var command in FaceStore.AdoptCommands(person, assignment.AdoptedFaces))
                yield return command;
    }

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
    /// <remarks>Faces without a person are skipped; a person that adopted deferred faces is recomputed from its faces
    /// instead (<see cref="FaceStore.RecomputePersonsCommand"/>), since those faces carry their own times and qualities.</remarks>
    public static IEnumerable<NpgsqlBatchCommand> UpdatePersonsCommands(IEnumerable<FaceAssignment> assignments) =>
        assignments.Where(a => a.PersonId is not null).GroupBy(a => a.PersonId!.Value).OrderBy(g => g.Key).Select(group =>
        {
            if (group.Any(a => a.AdoptedFaces.Count > 0))
                return FaceStore.RecomputePersonsCommand([group.Key]);
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
