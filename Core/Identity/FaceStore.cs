using FaceAspire.Core.Data;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace FaceAspire.Core.Identity;

/// <summary>
/// Raw-SQL access to the parts of <c>faces</c>/<c>persons</c> EF cannot express: the <c>vector(512)</c> column
/// and the HNSW nearest-neighbour search. Embeddings travel as <c>real[]</c> and are cast on the server
/// (<c>@e::vector</c>, pgvector's real[]→vector cast; read back with <c>embedding::real[]</c>), because the
/// Pgvector .NET plugin (0.1.3, the only one in this registry) does not work with Npgsql 10
/// (docs/adr/0008-vector-as-real-array.md). Every method runs on the caller's connection and transaction.
/// Thread-safe (stateless apart from options).
/// </summary>
public sealed class FaceStore(IOptions<IdentityOptions> options)
{
    private readonly IdentityOptions _options = options.Value;

    /// <summary>
    /// The <paramref name="k"/> stored faces closest to <paramref name="embedding"/> by cosine distance, nearest
    /// first, found through the HNSW index over <c>embedding::halfvec(512)</c> (<see cref="NearestSql"/>; approximate:
    /// recall depends on <see cref="IdentityOptions.EfSearch"/>, set with <c>SET LOCAL hnsw.ef_search</c>) and
    /// returned with their exact full-precision distances. Faces of every model version are searched. Without a
    /// transaction, one is opened and committed around the query, because <c>SET LOCAL</c> needs one.
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
    /// <see cref="NearestAsync"/>'s statements as batch commands: <c>SET LOCAL</c>s (no result set), then the query,
    /// last. For a caller that sends them in one round trip with other statements of its transaction (they need
    /// one: <c>SET LOCAL</c>), and reads the query's rows with <see cref="ReadNeighboursAsync"/>.
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
                new NpgsqlParameter<float[]>("q", NpgsqlDbType.Array | NpgsqlDbType.Real) { TypedValue = embedding },
                new NpgsqlParameter<int>("k", k),
            },
        };
        var commands = new List<NpgsqlBatchCommand>(4);
        if (modelVersion is not null)
        {
            query.Parameters.Add(new NpgsqlParameter<string>("mv", modelVersion));
            // The model filter runs after the index scan: while a re-embedding job is half done, the ef_search
            // nearest can be mostly other-model faces and fewer than k rows would survive. pgvector 0.8's
            // iterative scan continues the HNSW scan until k rows pass the filter (or hnsw.max_scan_tuples).
            commands.Add(new NpgsqlBatchCommand("SET LOCAL hnsw.iterative_scan = strict_order"));
        }
        commands.Add(new NpgsqlBatchCommand($"SET LOCAL hnsw.ef_search = {Math.Max(efSearch ?? _options.EfSearch, k)}"));
        // Measured: at ~10k faces (after ANALYZE) the planner prefers a sequential scan + top-N sort, whose real
        // cost it underestimates because every 2 KB vector is TOASTed: p50 61 ms, vs 7.5 ms through the HNSW index
        // at 100k. Keep the nearest-neighbour query on the index at every size.
        commands.Add(new NpgsqlBatchCommand("SET LOCAL enable_seqscan = off"));
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
            result.Add(new Neighbour(reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetGuid(1), reader.GetFloat(2)));
        return result;
    }

    /// <summary>
    /// The nearest-neighbour query. The HNSW index is built over <c>embedding::halfvec(512)</c> (migration
    /// <c>HalfPrecisionIndex</c>: half the bytes per hop), so the inner ORDER BY must be exactly that expression
    /// against <c>@q::halfvec(512)</c>, the bare operator, for the planner to use the index's ordered scan. The
    /// distance returned is the exact full-precision one of the rows found, re-sorted by it: the threshold and the
    /// vote see the same numbers as an exact search would.
    /// </summary>
    public const string NearestSql = $"""
        SELECT id, person_id, distance FROM (
          SELECT id, person_id, (embedding <=> @q::vector)::real AS distance FROM faces
          ORDER BY embedding::{FaceSchema.IndexedVectorType} <=> @q::{FaceSchema.IndexedVectorType} LIMIT @k) n
        ORDER BY distance
        """;

    /// <summary><see cref="NearestSql"/> restricted to one embedding model (<c>@mv</c>), filtered after the index scan.</summary>
    public const string NearestSameModelSql = $"""
        SELECT id, person_id, distance FROM (
          SELECT id, person_id, (embedding <=> @q::vector)::real AS distance FROM faces WHERE model_version = @mv
          ORDER BY embedding::{FaceSchema.IndexedVectorType} <=> @q::{FaceSchema.IndexedVectorType} LIMIT @k) n
        ORDER BY distance
        """;

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
                new NpgsqlParameter<float[]>("q", NpgsqlDbType.Array | NpgsqlDbType.Real) { TypedValue = embedding },
                new NpgsqlParameter<int>("k", k),
                new NpgsqlParameter<string>("s", snapshot),
                new NpgsqlParameter<string>("mv", modelVersion),
            },
        };
    }

    /// <summary>
    /// <see cref="WrittenSinceCommand"/>'s query. A transaction is invisible to snapshot <c>s</c> exactly when its id is
    /// ≥ <c>pg_snapshot_xmax(s)</c> or in <c>pg_snapshot_xip(s)</c>; both are lookups in the btree on
    /// <c>faces.written_xact</c> (migration <c>FaceWriteTransaction</c>), combined by a BitmapOr. Written this way
    /// rather than with <c>NOT pg_visible_in_snapshot(…)</c>, which would read every face since the snapshot's xmin:
    /// one long-running writer would make that range, and the scan under the lock, grow without bound.
    /// </summary>
    public const string WrittenSinceSql = """
        SELECT id, person_id, (embedding <=> @q::vector)::real AS distance FROM faces
        WHERE model_version = @mv
          AND (written_xact >= pg_snapshot_xmax(@s::pg_snapshot)
               OR written_xact = ANY (ARRAY(SELECT pg_snapshot_xip(@s::pg_snapshot))))
        ORDER BY distance LIMIT @k
        """;

    /// <summary>Inserts one face row including its embedding. The frame and person (if any) must exist.</summary>
    /// <exception cref="ArgumentException">The observation fails <see cref="FaceObservation.Validate"/>.</exception>
    /// <exception cref="PostgresException">Foreign key or constraint violation.</exception>
    public async Task InsertFaceAsync(Guid faceId, Guid? personId, bool newPerson, FaceObservation face, FaceOrigin origin,
        NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken = default)
    {
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands = { InsertFaceCommand(faceId, personId, newPerson, face, origin) },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary><see cref="InsertFaceAsync"/> as a batch command, to send with other statements in one round trip.</summary>
    /// <exception cref="ArgumentException">The observation fails <see cref="FaceObservation.Validate"/>.</exception>
    public static NpgsqlBatchCommand InsertFaceCommand(Guid faceId, Guid? personId, bool newPerson, FaceObservation face, FaceOrigin origin)
    {
        face.Validate();
        var command = new NpgsqlBatchCommand("""
            INSERT INTO faces (id, frame_id, person_id, new_person, x, y, w, h, landmarks, det_score, quality,
                               embedding, model_version, crop, captured_at, source)
            VALUES (@id, @frame, @person, @new, @x, @y, @w, @h, @lm, @det, @q, @e::vector, @mv, @crop, @cap, @src)
            """);
        var p = command.Parameters;
        p.AddWithValue("id", faceId);
        p.AddWithValue("frame", origin.FrameId);
        p.AddWithValue("person", NpgsqlDbType.Uuid, (object?)personId ?? DBNull.Value);
        p.AddWithValue("new", newPerson);
        p.AddWithValue("x", face.X);
        p.AddWithValue("y", face.Y);
        p.AddWithValue("w", face.W);
        p.AddWithValue("h", face.H);
        p.AddWithValue("lm", face.Landmarks);
        p.AddWithValue("det", face.DetectionScore);
        p.AddWithValue("q", face.Quality);
        p.Add(new NpgsqlParameter<float[]>("e", NpgsqlDbType.Array | NpgsqlDbType.Real) { TypedValue = face.Embedding });
        p.AddWithValue("mv", origin.ModelVersion);
        p.AddWithValue("crop", NpgsqlDbType.Bytea, (object?)face.Crop ?? DBNull.Value);
        p.AddWithValue("cap", origin.CapturedAt.ToUniversalTime());
        p.AddWithValue("src", NpgsqlDbType.Text, (object?)origin.Source ?? DBNull.Value);
        return command;
    }

    /// <summary>Inserts an empty person (counters 0, no cover); <see cref="UpdatePersonAsync"/> fills them.</summary>
    public async Task CreatePersonAsync(Guid personId, NpgsqlConnection connection, NpgsqlTransaction? transaction,
        CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand("INSERT INTO persons (id) VALUES (@id)", connection, transaction);
        command.Parameters.AddWithValue("id", personId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Adds <paramref name="addedFaces"/> to the person's face count, moves <c>last_seen</c> forward, and makes
    /// <paramref name="bestFaceId"/> the cover when its quality beats <c>best_quality</c> (or there is none).
    /// Written as increments so that concurrent transactions compose (READ COMMITTED re-evaluates the SET list on
    /// the latest row version after waiting for a row lock).
    /// </summary>
    public async Task UpdatePersonAsync(Guid personId, int addedFaces, DateTimeOffset lastSeen, Guid bestFaceId, float bestQuality,
        NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken = default)
    {
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands = { UpdatePersonCommand(personId, addedFaces, lastSeen, bestFaceId, bestQuality) },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary><see cref="UpdatePersonAsync"/> as a batch command, to send with other writes in one round trip.</summary>
    public static NpgsqlBatchCommand UpdatePersonCommand(Guid personId, int addedFaces, DateTimeOffset lastSeen, Guid bestFaceId, float bestQuality) =>
        new("""
            UPDATE persons SET
              face_count = face_count + @n,
              last_seen = GREATEST(last_seen, @seen),
              cover_face_id = CASE WHEN best_quality IS NULL OR @q > best_quality OR cover_face_id IS NULL
                                   THEN @face ELSE cover_face_id END,
              best_quality = CASE WHEN best_quality IS NULL OR @q > best_quality OR cover_face_id IS NULL
                                  THEN @q ELSE best_quality END
            WHERE id = @id
            """)
        {
            Parameters =
            {
                new NpgsqlParameter<Guid>("id", personId),
                new NpgsqlParameter<int>("n", addedFaces),
                new NpgsqlParameter<DateTimeOffset>("seen", lastSeen.ToUniversalTime()),
                new NpgsqlParameter<Guid>("face", bestFaceId),
                new NpgsqlParameter<float>("q", bestQuality),
            },
        };

    /// <summary>The stored embedding of a face (read as <c>embedding::real[]</c>), or null when no such face.</summary>
    public async Task<float[]?> GetEmbeddingAsync(Guid faceId, NpgsqlConnection connection, NpgsqlTransaction? transaction,
        CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand("SELECT embedding::real[] FROM faces WHERE id = @id", connection, transaction);
        command.Parameters.AddWithValue("id", faceId);
        return await command.ExecuteScalarAsync(cancellationToken) as float[];
    }

    /// <summary>
    /// Checks an embedding: exactly <see cref="FaceSchema.EmbeddingDimension"/> finite values, not all zero
    /// (a zero vector has no cosine distance).
    /// </summary>
    /// <exception cref="ArgumentException">When it is not.</exception>
    public static void ValidateEmbedding(float[] embedding)
    {
        ArgumentNullException.ThrowIfNull(embedding);
        if (embedding.Length != FaceSchema.EmbeddingDimension)
            throw new ArgumentException($"Embedding must have {FaceSchema.EmbeddingDimension} values, got {embedding.Length}.", nameof(embedding));
        var norm = 0.0;
        foreach (var v in embedding)
        {
            if (!float.IsFinite(v))
                throw new ArgumentException("Embedding contains NaN or infinity.", nameof(embedding));
            norm += v * v;
        }
        if (norm == 0)
            throw new ArgumentException("Embedding is all zeros.", nameof(embedding));
    }
}
