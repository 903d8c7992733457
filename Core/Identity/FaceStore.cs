using FaceAspire.Core.Data;
using FaceAspire.Core.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Pgvector;

namespace FaceAspire.Core.Identity;

/// <summary>
/// The one repository of face vectors: it writes faces and their embeddings, reads and replaces embeddings, and runs
/// every nearest-neighbour search (<c>FaceStore.Search.cs</c>). Embeddings travel as Pgvector's <see cref="Vector"/>
/// and <see cref="HalfVector"/> (the data source is built with <c>UseVector()</c>). The matcher's statements are SQL on
/// the caller's connection and transaction, sent in batches with its other statements; the rest is LINQ on a
/// <see cref="FaceDbContext"/>. Thread-safe (stateless apart from options).
/// </summary>
public sealed partial class FaceStore(IOptions<IdentityOptions> options)
{
    private readonly IdentityOptions _options = options.Value;

    /// <summary>The options in force.</summary>
    public IdentityOptions Options => _options;

    /// <summary>Inserts one face row including its embedding. The frame and person (if any) must exist.</summary>
    /// <exception cref="ArgumentException">The observation fails <see cref="FaceObservation.Validate"/>.</exception>
    /// <exception cref="PostgresException">Foreign key or constraint violation.</exception>
    public async Task InsertFaceAsync(Guid faceId, Guid? personId, bool newPerson, FaceObservation face, FaceOrigin origin,
        NpgsqlConnection connection, NpgsqlTransaction? transaction, CancellationToken cancellationToken = default)
    {
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands = { InsertFaceCommand(faceId, personId, newPerson, face, origin, recognisability: Recognisability.Score(face, _options.FullSizeInterOcularPixels)) },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// <see cref="InsertFaceAsync"/> as a batch command, to send with other statements in one round trip (SQL, not EF:
    /// the matcher sends it in the same batch as the next face's search or the frame's other writes).
    /// </summary>
    /// <param name="faceId">The new face's id.</param>
    /// <param name="personId">Its person, or null.</param>
    /// <param name="newPerson">True when the face opened its person.</param>
    /// <param name="face">The observation.</param>
    /// <param name="origin">Its frame, capture time, source and embedding model.</param>
    /// <param name="state">One of <see cref="FaceIdentityStates"/>; null = <c>assigned</c> with a person, <c>deferred</c>
    /// without (a database check ties <c>assigned</c> to having a person).</param>
    /// <param name="recognisability">The face's <see cref="Recognisability"/> score; null = computed with the default
    /// <see cref="IdentityOptions.FullSizeInterOcularPixels"/>.</param>
    /// <exception cref="ArgumentException">The observation fails <see cref="FaceObservation.Validate"/>.</exception>
    public static NpgsqlBatchCommand InsertFaceCommand(Guid faceId, Guid? personId, bool newPerson, FaceObservation face, FaceOrigin origin,
        string? state = null, float? recognisability = null)
    {
        face.Validate();
        var command = new NpgsqlBatchCommand("""
            INSERT INTO faces (id, frame_id, person_id, new_person, x, y, w, h, landmarks, det_score, quality,
                               embedding, model_version, crop, captured_at, source, identity_state, recognisability)
            VALUES (@id, @frame, @person, @new, @x, @y, @w, @h, @lm, @det, @q, @e, @mv, @crop, @cap, @src, @state, @rec)
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
        p.Add(new NpgsqlParameter<Vector>("e", new Vector(face.Embedding)));
        p.AddWithValue("mv", origin.ModelVersion);
        p.AddWithValue("crop", NpgsqlDbType.Bytea, (object?)face.Crop ?? DBNull.Value);
        p.AddWithValue("cap", origin.CapturedAt.ToUniversalTime());
        p.AddWithValue("src", NpgsqlDbType.Text, (object?)origin.Source ?? DBNull.Value);
        p.AddWithValue("state", state ?? (personId is null ? FaceIdentityStates.Deferred : FaceIdentityStates.Assigned));
        p.AddWithValue("rec", recognisability ?? Recognisability.Score(face, new IdentityOptions().FullSizeInterOcularPixels));
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

    /// <summary>
    /// Gives <paramref name="faceIds"/>, <c>deferred</c> faces, to <paramref name="personId"/> (state <c>assigned</c>)
    /// with their emotion-log rows; a face no longer deferred is left alone. Follow with
    /// <see cref="RecomputePersonsCommand"/> for the person.
    /// </summary>
    public static IEnumerable<NpgsqlBatchCommand> AdoptCommands(Guid personId, IReadOnlyList<Guid> faceIds)
    {
        var ids = faceIds.ToArray();
        yield return new NpgsqlBatchCommand("""
            UPDATE faces SET person_id = @p, identity_state = 'assigned' WHERE id = ANY(@ids) AND identity_state = 'deferred'
            """) { Parameters = { new NpgsqlParameter<Guid>("p", personId), new NpgsqlParameter<Guid[]>("ids", ids) } };
        yield return new NpgsqlBatchCommand("""
            UPDATE emotions e SET person_id = f.person_id FROM faces f WHERE f.id = e.face_id AND e.face_id = ANY(@ids)
            """) { Parameters = { new NpgsqlParameter<Guid[]>("ids", ids) } };
    }

    /// <summary>
    /// Recomputes <c>face_count</c>, <c>last_seen</c>, <c>cover_face_id</c>, <c>best_quality</c> of the persons
    /// <paramref name="personIds"/> from their faces. The cover is kept while it still belongs to the person and no face
    /// beats <c>best_quality</c> (the bar a new face must clear to replace the cover, as in
    /// <see cref="UpdatePersonCommand"/>); otherwise the best-quality face becomes the cover. Send it after the
    /// persons' rows are locked or their faces written, so its snapshot sees every committed face.
    /// </summary>
    public static NpgsqlBatchCommand RecomputePersonsCommand(IEnumerable<Guid> personIds) =>
        new("""
            UPDATE persons p SET
              face_count = s.n,
              last_seen = s.last_seen,
              cover_face_id = CASE WHEN keep THEN p.cover_face_id ELSE b.id END,
              best_quality = CASE WHEN keep THEN p.best_quality ELSE b.quality END
            FROM persons q
            CROSS JOIN LATERAL (SELECT count(*)::int AS n, max(captured_at) AS last_seen FROM faces WHERE person_id = q.id) s
            LEFT JOIN LATERAL (SELECT id, quality FROM faces WHERE person_id = q.id ORDER BY quality DESC, id LIMIT 1) b ON true
            CROSS JOIN LATERAL (SELECT EXISTS (SELECT 1 FROM faces WHERE id = q.cover_face_id AND person_id = q.id)
                                       AND (b.quality IS NULL OR b.quality <= q.best_quality) AS keep) k
            WHERE p.id = q.id AND q.id = ANY(@ids)
            """)
        {
            Parameters = { new NpgsqlParameter<Guid[]>("ids", personIds.Distinct().ToArray()) },
        };

    /// <summary>The stored embedding of a face (512 floats), or null when no such face.</summary>
    public async Task<float[]?> GetEmbeddingAsync(Guid faceId, NpgsqlConnection connection, NpgsqlTransaction? transaction,
        CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand("SELECT embedding FROM faces WHERE id = @id", connection, transaction);
        command.Parameters.AddWithValue("id", faceId);
        return (await command.ExecuteScalarAsync(cancellationToken) as Vector)?.ToArray();
    }

    /// <summary>
    /// Replaces a face's embedding and model tag (the re-embedding job), in the context's current transaction if it has
    /// one. The database recomputes the half-precision copy and stamps <c>written_xact</c> (its trigger), so the matcher's
    /// new-person catch-up sees the new vector (ADR 0012).
    /// </summary>
    /// <returns>True when the face existed.</returns>
    /// <exception cref="ArgumentException">The embedding fails <see cref="ValidateEmbedding"/>.</exception>
    public static async Task<bool> ReplaceEmbeddingAsync(FaceDbContext db, Guid faceId, float[] embedding, string modelVersion,
        CancellationToken cancellationToken = default)
    {
        ValidateEmbedding(embedding);
        var vector = new Vector(embedding);
        return await db.Faces.Where(f => f.Id == faceId)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.Embedding, vector).SetProperty(f => f.ModelVersion, modelVersion), cancellationToken) == 1;
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
