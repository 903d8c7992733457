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
    /// Pairs of persons (hidden ones included) whose centroids OR any two faces have cosine similarity ≥
    /// <paramref name="minSimilarity"/>, plus open re-cluster proposals, excluding rejected pairs, most similar first
    /// (<see cref="FaceStore.SimilarPersonPairsAsync"/>, where the vector search lives).
    /// </summary>
    /// <param name="minSimilarity">Threshold in [-1, 1].</param>
    /// <param name="limit">Maximum pairs returned, ≥ 1.</param>
    /// <param name="recentFaces">How many recent faces seed the face-level search, ≥ 1.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    public async Task<IReadOnlyList<MergeSuggestion>> FindAsync(float minSimilarity = DefaultMinSimilarity, int limit = 50,
        int recentFaces = 5000, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await FaceStore.SimilarPersonPairsAsync(connection, minSimilarity, limit, recentFaces, cancellationToken);
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
