using FaceAspire.Core.Contracts;
using FaceAspire.Core.Data;
using FaceAspire.Core.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Pgvector;
using Pgvector.EntityFrameworkCore;

namespace FaceAspire.Core.Identity;

// Every nearest-neighbour search. Each one orders by the cosine distance of faces.half_embedding, the column the HNSW
// index ix_faces_embedding_hnsw is built on with halfvec_cosine_ops (FaceSchema): any other ORDER BY scans the table.
// Searches run with these transaction-local settings (SearchSettings): hnsw.ef_search (the candidate list; recall
// against speed), hnsw.iterative_scan = strict_order, since every search is filtered, at least to searchable identity
// states (pgvector 0.8: the scan goes on until k rows pass the filter, where a plain scan would stop after ef_search
// candidates and return fewer), and
// enable_seqscan = off (below ~10k faces the planner prefers a sequential scan whose cost it underestimates: every
// 2 KB vector is TOASTed; p50 61 ms against 7.5 ms through the index at 100k).
public sealed partial class FaceStore
{
    /// <summary>
    /// The <paramref name="k"/> stored faces closest to <paramref name="embedding"/> by cosine distance, nearest
    /// first, found through the HNSW index (approximate: recall depends on <see cref="IdentityOptions.EfSearch"/>) and
    /// returned with their exact full-precision distances. Without a transaction, one is opened and committed around
    /// the query, because its settings are <c>SET LOCAL</c>.
    /// </summary>
    /// <param name="embedding">512 floats (see <see cref="ValidateEmbedding"/>).</param>
    /// <param name="k">Number of neighbours, ≥ 1.</param>
    /// <param name="connection">An open connection.</param>
    /// <param name="transaction">The connection's current transaction, or null.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <param name="modelVersion">When set, only faces embedded by this model are searched (vectors of different
    /// models are not comparable; see the re-embedding job).</param>
    /// <param name="efSearch">The HNSW search list size for this search; null = <see cref="IdentityOptions.EfSearch"/>.
    /// The effective value is at least <paramref name="k"/>.</param>
    /// <returns>At most <paramref name="k"/> neighbours, distances ascending.</returns>
    /// <exception cref="ArgumentException">Bad embedding, k or efSearch.</exception>
    public async Task<IReadOnlyList<Neighbour>> NearestAsync(float[] embedding, int k, NpgsqlConnection connection,
        NpgsqlTransaction? transaction, CancellationToken cancellationToken = default, string? modelVersion = null, int? efSearch = null)
    {
        var commands = NearestCommands(embedding, k, modelVersion, efSearch);
        var ownTransaction = transaction is null ? await connection.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            await using var batch = new NpgsqlBatch(connection, transaction ?? ownTransaction);
            foreach (var command in commands)
                batch.BatchCommands.Add(command);
            IReadOnlyList<Neighbour> result;
            await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
                result = await ReadNeighboursAsync(reader, cancellationToken);
            if (ownTransaction is not null)
                await ownTransaction.CommitAsync(cancellationToken);
            return result;
        }
        finally
        {
            if (ownTransaction is not null)
                await ownTransaction.DisposeAsync();
        }
    }

    /// <summary>
    /// <see cref="NearestAsync"/>'s statements as batch commands: the settings (no result set), then the query, last.
    /// SQL rather than LINQ because the matcher sends them in ONE round trip with its other statements (the frame's
    /// lock, the previous face's insert, a snapshot), inside its own transaction; read the rows with
    /// <see cref="ReadNeighboursAsync"/>.
    /// </summary>
    /// <param name="embedding">512 floats (see <see cref="ValidateEmbedding"/>).</param>
    /// <param name="k">Number of neighbours, ≥ 1.</param>
    /// <param name="modelVersion">When set, only faces embedded by this model are searched.</param>
    /// <param name="efSearch">The HNSW search list size; null = <see cref="IdentityOptions.EfSearch"/>. At least k is used.</param>
    /// <exception cref="ArgumentException">Bad embedding, k, or efSearch below 1.</exception>
    public IReadOnlyList<NpgsqlBatchCommand> NearestCommands(float[] embedding, int k, string? modelVersion = null, int? efSearch = null)
    {
        ValidateEmbedding(embedding);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (efSearch is { } ef) ArgumentOutOfRangeException.ThrowIfLessThan(ef, 1, nameof(efSearch));
        var query = new NpgsqlBatchCommand(modelVersion is null ? NearestSql : NearestSameModelSql)
        {
            Parameters =
            {
                new NpgsqlParameter<Vector>("q", new Vector(embedding)),
                new NpgsqlParameter<HalfVector>("h", ToHalf(embedding)),
                new NpgsqlParameter<int>("k", k),
            },
        };
        if (modelVersion is not null)
            query.Parameters.Add(new NpgsqlParameter<string>("mv", modelVersion));
        var commands = SearchSettings(Math.Max(efSearch ?? _options.EfSearch, k))
            .Select(sql => new NpgsqlBatchCommand(sql)).ToList();
        commands.Add(query);
        return commands;
    }

    /// <summary>Reads the neighbours of <see cref="NearestCommands"/>' query from <paramref name="reader"/>, positioned
    /// on that query's result set (statements without a result set before it are skipped by Npgsql).</summary>
    /// <returns>The rows in the query's order: distances ascending.</returns>
    public static async Task<IReadOnlyList<Neighbour>> ReadNeighboursAsync(NpgsqlDataReader reader, CancellationToken cancellationToken = default)
    {
        var result = new List<Neighbour>();
        while (await reader.ReadAsync(cancellationToken))
            result.Add(new Neighbour(reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetGuid(1), reader.GetFloat(2), reader.GetGuid(3)));
        return result;
    }

    /// <summary>
    /// The nearest-neighbour query: the inner ORDER BY … LIMIT is the HNSW index scan on <c>half_embedding</c> against
    /// <c>@h</c> (the query in half precision); the outer query re-sorts those rows by their exact full-precision distance
    /// to <c>@q</c>, so the threshold and the vote see the numbers an exact search would (ADR 0009). Only
    /// <c>assigned</c> and <c>deferred</c> faces are neighbours (<see cref="SearchableStates"/>): a face under the
    /// recognisability gate, or one an operator took from its person, must never link two faces (docs/identity.md).
    /// </summary>
    public const string NearestSql = """
        SELECT id, person_id, distance, frame_id FROM (
          SELECT id, person_id, (embedding <=> @q)::real AS distance, frame_id FROM faces
          WHERE identity_state IN ('assigned', 'deferred')
          ORDER BY half_embedding <=> @h LIMIT @k) n
        ORDER BY distance
        """;

    /// <summary><see cref="NearestSql"/> restricted to one embedding model (<c>@mv</c>), filtered during the index scan
    /// (iterative, so k rows come back while another model's faces are nearer).</summary>
    public const string NearestSameModelSql = """
        SELECT id, person_id, distance, frame_id FROM (
          SELECT id, person_id, (embedding <=> @q)::real AS distance, frame_id FROM faces
          WHERE model_version = @mv AND identity_state IN ('assigned', 'deferred')
          ORDER BY half_embedding <=> @h LIMIT @k) n
        ORDER BY distance
        """;

    /// <summary>The identity states a search returns (<see cref="NearestSql"/>).</summary>
    public static readonly IReadOnlyList<string> SearchableStates = [FaceIdentityStates.Assigned, FaceIdentityStates.Deferred];

    /// <summary>
    /// A statement that returns its own snapshot as text (<c>pg_current_snapshot()::text</c>, <c>xmin:xmax:xip,…</c>).
    /// Sent before a search in one batch of a READ COMMITTED transaction, it is no newer than the search's snapshot
    /// (each statement takes its own, in order), so every face that search could not see was written by a transaction
    /// this snapshot cannot see either: <see cref="WrittenSinceCommand"/> finds those.
    /// </summary>
    public static NpgsqlBatchCommand SnapshotCommand() => new("SELECT pg_current_snapshot()::text");

    /// <summary>
    /// The <paramref name="k"/> faces of <paramref name="modelVersion"/> nearest to <paramref name="embedding"/> by
    /// exact full-precision cosine distance, among the faces whose vector was written (inserted or re-embedded) by a
    /// transaction that <paramref name="snapshot"/> cannot see: in progress when it was taken, or begun after
    /// (<see cref="WrittenSinceSql"/>). Same columns and order as <see cref="NearestSql"/>; read with
    /// <see cref="ReadNeighboursAsync"/>. Its cost grows with the faces written since the snapshot, not with the table.
    /// </summary>
    /// <param name="embedding">512 floats (see <see cref="ValidateEmbedding"/>).</param>
    /// <param name="k">Number of neighbours, ≥ 1.</param>
    /// <param name="snapshot">A snapshot from <see cref="SnapshotCommand"/>.</param>
    /// <param name="modelVersion">Only faces embedded by this model.</param>
    /// <exception cref="ArgumentException">Bad embedding, k, or an empty snapshot or model version.</exception>
    public static NpgsqlBatchCommand WrittenSinceCommand(float[] embedding, int k, string snapshot, string modelVersion)
    {
        ValidateEmbedding(embedding);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentException.ThrowIfNullOrEmpty(snapshot);
        ArgumentException.ThrowIfNullOrEmpty(modelVersion);
        return new NpgsqlBatchCommand(WrittenSinceSql)
        {
            Parameters =
            {
                new NpgsqlParameter<Vector>("q", new Vector(embedding)),
                new NpgsqlParameter<int>("k", k),
                new NpgsqlParameter<string>("s", snapshot),
                new NpgsqlParameter<string>("mv", modelVersion),
            },
        };
    }

    /// <summary>
    /// <see cref="WrittenSinceCommand"/>'s query, an exact scan on purpose (no index). A transaction is invisible to
    /// snapshot <c>s</c> exactly when its id is ≥ <c>pg_snapshot_xmax(s)</c> or in <c>pg_snapshot_xip(s)</c>; both are
    /// lookups in the btree on <c>faces.written_xact</c>, combined by a BitmapOr. Written this way rather than with
    /// <c>NOT pg_visible_in_snapshot(…)</c>, which would read every face since the snapshot's xmin: one long-running
    /// writer would make that range, and the scan under the lock, grow without bound.
    /// </summary>
    public const string WrittenSinceSql = """
        SELECT id, person_id, (embedding <=> @q)::real AS distance, frame_id FROM faces
        WHERE model_version = @mv AND identity_state IN ('assigned', 'deferred')
          AND (written_xact >= pg_snapshot_xmax(@s::pg_snapshot)
               OR written_xact = ANY (ARRAY(SELECT pg_snapshot_xip(@s::pg_snapshot))))
        ORDER BY distance LIMIT @k
        """;

    /// <summary>
    /// The persons nearest to <paramref name="embedding"/> among faces of <paramref name="modelVersion"/> (the
    /// identify request): the <paramref name="neighbourFaces"/> nearest assigned faces by the HNSW index, grouped by
    /// person, each person scored by its best exact similarity; hidden persons are left out. In LINQ
    /// (<see cref="NearestPersonsQuery"/>), in a transaction of its own for the search settings.
    /// </summary>
    /// <param name="db">A context (its connection is used for one transaction).</param>
    /// <param name="embedding">512 floats (see <see cref="ValidateEmbedding"/>).</param>
    /// <param name="modelVersion">Only faces of this embedding model.</param>
    /// <param name="persons">How many persons to return, ≥ 1.</param>
    /// <param name="neighbourFaces">How many nearest faces to group, ≥ 1 (also the search's <c>hnsw.ef_search</c>
    /// floor).</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>At most <paramref name="persons"/> candidates, most similar first; similarity in [-1, 1].</returns>
    /// <exception cref="ArgumentException">Bad embedding or counts.</exception>
    public async Task<IReadOnlyList<PersonCandidate>> NearestPersonsAsync(FaceDbContext db, float[] embedding, string modelVersion,
        int persons, int neighbourFaces, CancellationToken cancellationToken = default)
    {
        var query = NearestPersonsQuery(db, embedding, modelVersion, persons, neighbourFaces);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync(string.Join(";\n", SearchSettings(Math.Max(_options.EfSearch, neighbourFaces))),
            cancellationToken);
        var rows = await query.ToListAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return rows;
    }

    /// <summary><see cref="NearestPersonsAsync"/>'s query, without its settings (for the plan test).</summary>
    /// <exception cref="ArgumentException">Bad embedding or counts.</exception>
    public static IQueryable<PersonCandidate> NearestPersonsQuery(FaceDbContext db, float[] embedding, string modelVersion,
        int persons, int neighbourFaces)
    {
        ValidateEmbedding(embedding);
        ArgumentOutOfRangeException.ThrowIfLessThan(persons, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(neighbourFaces, 1);
        var exact = new Vector(embedding);
        var half = ToHalf(embedding);
        // The inner OrderBy/Take is the index scan; grouping and exact distances apply to those rows only.
        var nearest = db.Faces.Where(f => f.ModelVersion == modelVersion && f.PersonId != null)
            .OrderBy(f => f.HalfEmbedding.CosineDistance(half)).Take(neighbourFaces)
            .Select(f => new { PersonId = f.PersonId!.Value, Distance = f.Embedding.CosineDistance(exact) });
        return (from n in nearest
                join p in db.Persons on n.PersonId equals p.Id
                where !p.Hidden
                group n.Distance by new { p.Id, p.Name } into g
                orderby g.Min()
                select new PersonCandidate(g.Key.Id, g.Key.Name, (float)(1 - g.Min()))).Take(persons);
    }

    /// <summary>
    /// Pairs of persons (hidden ones included) that never appear in one frame together (cannot-link) and whose centroids (pgvector <c>avg(embedding)</c>) OR any two faces have
    /// cosine similarity ≥ <paramref name="minSimilarity"/>, plus the re-cluster job's open proposals, excluding
    /// rejected pairs, most similar first (<see cref="MergeSuggestions.FindAsync"/>). Face pairs come from the HNSW
    /// index: the 10 nearest faces of each of the <paramref name="recentFaces"/> most recent assigned faces. In SQL,
    /// because LINQ has no <c>avg</c> over vectors and the k-NN runs per seed face (a LATERAL join) inside one statement.
    /// Centroid pairs are exhaustive (quadratic in the number of persons, fine for thousands).
    /// </summary>
    /// <exception cref="ArgumentException">A count below 1.</exception>
    public static async Task<IReadOnlyList<MergeSuggestion>> SimilarPersonPairsAsync(NpgsqlConnection connection, float minSimilarity,
        int limit, int recentFaces, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(recentFaces, 1);
        await using var command = new NpgsqlCommand(SimilarPersonPairsSql, connection);
        command.Parameters.AddWithValue("min", minSimilarity);
        command.Parameters.AddWithValue("limit", limit);
        command.Parameters.AddWithValue("recent", recentFaces);
        var result = new List<MergeSuggestion>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            result.Add(new MergeSuggestion(reader.GetGuid(0), reader.GetGuid(1), reader.GetFloat(2), reader.GetFloat(3)));
        return result;
    }

    /// <summary><see cref="SimilarPersonPairsAsync"/>'s query (parameters <c>@min</c>, <c>@limit</c>, <c>@recent</c>).</summary>
    public const string SimilarPersonPairsSql = """
        WITH c AS (
          SELECT person_id AS id, avg(embedding) AS centroid FROM faces WHERE person_id IS NOT NULL GROUP BY person_id
        ), seeds AS (
          SELECT id, person_id, embedding, half_embedding FROM faces WHERE person_id IS NOT NULL ORDER BY created_at DESC LIMIT @recent
        ), face_pairs AS (
          SELECT least(s.person_id, n.person_id) AS a, greatest(s.person_id, n.person_id) AS b, max(n.sim) AS sim
          FROM seeds s
          CROSS JOIN LATERAL (
            SELECT g.person_id, (1 - (g.embedding <=> s.embedding))::real AS sim
            FROM faces g ORDER BY g.half_embedding <=> s.half_embedding LIMIT 10) n
          WHERE n.person_id IS NOT NULL AND n.person_id <> s.person_id AND n.sim >= @min
          GROUP BY 1, 2
        ), centroid_pairs AS (
          SELECT x.id AS a, y.id AS b FROM c x JOIN c y ON x.id < y.id
          WHERE 1 - (x.centroid <=> y.centroid) >= @min
        ), proposed AS (
          -- merges proposed by the re-cluster job (DBSCAN over all faces), still open
          SELECT least(target_person_id, source_person_id) AS a, greatest(target_person_id, source_person_id) AS b
          FROM merge_suggestions WHERE status = 'open'
        ), pairs AS (
          SELECT a, b FROM face_pairs UNION SELECT a, b FROM centroid_pairs UNION SELECT a, b FROM proposed
        )
        SELECT p.a, p.b, (1 - (ca.centroid <=> cb.centroid))::real,
               coalesce(fp.sim, (SELECT max(1 - (fa.embedding <=> fb.embedding))::real
                                 FROM faces fa JOIN faces fb ON fb.person_id = p.b WHERE fa.person_id = p.a))
        FROM pairs p
        JOIN c ca ON ca.id = p.a JOIN c cb ON cb.id = p.b
        LEFT JOIN face_pairs fp ON fp.a = p.a AND fp.b = p.b
        WHERE NOT EXISTS (SELECT 1 FROM person_pair_rejections r WHERE r.person_a = p.a AND r.person_b = p.b)
          -- cannot-link: two persons holding faces of one frame are two people, however alike their faces
          AND NOT EXISTS (SELECT 1 FROM faces fa JOIN faces fb ON fb.frame_id = fa.frame_id AND fb.person_id = p.b
                          WHERE fa.person_id = p.a)
        ORDER BY greatest(1 - (ca.centroid <=> cb.centroid), coalesce(fp.sim, 0)) DESC
        LIMIT @limit
        """;

    /// <summary>
    /// The transaction-local settings of an index search (see the top of this file): <c>hnsw.ef_search</c>
    /// = <paramref name="efSearch"/>, iterative scanning (every search is filtered, at least by identity state), and no
    /// sequential scans.
    /// </summary>
    public static IReadOnlyList<string> SearchSettings(int efSearch) =>
        [$"SET LOCAL hnsw.ef_search = {efSearch}", "SET LOCAL hnsw.iterative_scan = strict_order", "SET LOCAL enable_seqscan = off"];

    /// <summary><paramref name="embedding"/> rounded to 16-bit floats: the query of an index scan on <c>half_embedding</c>.</summary>
    public static HalfVector ToHalf(float[] embedding)
    {
        var half = new Half[embedding.Length];
        for (var i = 0; i < half.Length; i++)
            half[i] = (Half)embedding[i];
        return new HalfVector(half);
    }
}
