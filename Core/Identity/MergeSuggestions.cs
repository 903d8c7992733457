using FaceAspire.Core.Data;
using Npgsql;
using static FaceAspire.Core.Identity.PersonEdits;

namespace FaceAspire.Core.Identity;

/// <summary>A pair of persons that may be the same person.</summary>
/// <param name="PersonA">The person with the smaller id.</param>
/// <param name="PersonB">The other person.</param>
/// <param name="CentroidSimilarity">Cosine similarity in [-1, 1] of the two persons' mean embeddings.</param>
/// <param name="BestFaceSimilarity">Highest cosine similarity between a face of A and a face of B, in [-1, 1].</param>
public sealed record MergeSuggestion(Guid PersonA, Guid PersonB, float CentroidSimilarity, float BestFaceSimilarity);

/// <summary>
/// Finds persons that are probably one person split in two (the matcher's threshold is strict on purpose, so a
/// person photographed in very different conditions can open a second identity), and remembers the operator's
/// "not the same person" answers in <c>person_pair_rejections</c> so a rejected pair is never offered again.
/// </summary>
public sealed class MergeSuggestions(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Default looser threshold: cosine similarity 0.28, below the matcher's 0.36 (<see cref="IdentityOptions"/>).
    /// </summary>
    public const float DefaultMinSimilarity = 0.28f;

    /// <summary>
    /// Pairs of persons (hidden ones included) whose centroids (pgvector <c>avg(embedding)</c>) OR any two faces
    /// have cosine similarity ≥ <paramref name="minSimilarity"/>, excluding rejected pairs, most similar first.
    /// Face pairs are found with the HNSW index: the 10 nearest faces of each of the
    /// <paramref name="recentFaces"/> most recent assigned faces. Centroid pairs are exhaustive (quadratic in the
    /// number of persons, fine for thousands).
    /// </summary>
    /// <param name="minSimilarity">Threshold in [-1, 1].</param>
    /// <param name="limit">Maximum pairs returned, ≥ 1.</param>
    /// <param name="recentFaces">How many recent faces seed the face-level search, ≥ 1.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<IReadOnlyList<MergeSuggestion>> FindAsync(float minSimilarity = DefaultMinSimilarity, int limit = 50,
        int recentFaces = 5000, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(recentFaces, 1);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            WITH c AS (
              SELECT person_id AS id, avg(embedding) AS centroid FROM faces WHERE person_id IS NOT NULL GROUP BY person_id
            ), seeds AS (
              SELECT id, person_id, embedding FROM faces WHERE person_id IS NOT NULL ORDER BY created_at DESC LIMIT @recent
            ), face_pairs AS (
              SELECT least(s.person_id, n.person_id) AS a, greatest(s.person_id, n.person_id) AS b, max(n.sim) AS sim
              FROM seeds s
              CROSS JOIN LATERAL (
                SELECT g.person_id, (1 - (g.embedding <=> s.embedding))::real AS sim
                FROM faces g ORDER BY g.embedding::{FaceSchema.IndexedVectorType} <=> s.embedding::{FaceSchema.IndexedVectorType} LIMIT 10) n
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
            ORDER BY greatest(1 - (ca.centroid <=> cb.centroid), coalesce(fp.sim, 0)) DESC
            LIMIT @limit
            """, connection);
        command.Parameters.AddWithValue("min", minSimilarity);
        command.Parameters.AddWithValue("limit", limit);
        command.Parameters.AddWithValue("recent", recentFaces);
        var result = new List<MergeSuggestion>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            result.Add(new MergeSuggestion(reader.GetGuid(0), reader.GetGuid(1), reader.GetFloat(2), reader.GetFloat(3)));
        return result;
    }

    /// <summary>Remembers that two persons are NOT the same person (idempotent); audited as <c>person.not-same</c>.</summary>
    /// <exception cref="ArgumentException">Both ids are the same.</exception>
    public async Task RejectAsync(Guid personA, Guid personB, string actor, CancellationToken cancellationToken = default)
    {
        if (personA == personB)
            throw new ArgumentException("A person is always the same as itself.", nameof(personB));
        var (a, b) = personA.CompareTo(personB) < 0 ? (personA, personB) : (personB, personA);
        await using var c = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var t = await c.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync("""
            INSERT INTO person_pair_rejections (person_a, person_b, actor) VALUES (@a, @b, @actor)
            ON CONFLICT DO NOTHING
            """, c, t, cancellationToken, ("a", a), ("b", b), ("actor", actor));
        await AuditAsync(actor, "person.not-same", a.ToString(), new { other = b }, c, t, cancellationToken);
        await t.CommitAsync(cancellationToken);
    }
}
