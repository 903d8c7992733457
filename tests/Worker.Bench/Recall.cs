using FaceAspire.Core.Identity;
using Npgsql;
using Pgvector;

namespace FaceAspire.Worker.Bench;

/// <summary>
/// Recall of the matcher's approximate search: for each query, <see cref="FaceStore.NearestAsync"/>'s top-10 (HNSW)
/// against the exact top-10 by cosine distance (the same ORDER BY with index scans disabled, i.e. a sequential scan
/// and sort). Prints recall@10 (mean share of the exact ten that HNSW returned) and top-1 agreement (HNSW's nearest
/// is the exact nearest), the two figures that decide whether index parameters can be lowered, and decision
/// agreement: the person <see cref="IdentityMatcher.Vote"/> picks from the HNSW neighbours is the one it picks from
/// the exact neighbours (what a user would see change).
/// </summary>
internal static class Recall
{
    /// <param name="personOf">The identity each stored face belongs to (the bench stores faces without persons).</param>
    /// <param name="recheckEfSearch">The ef_search of the matcher's re-search on the new-person path
    /// (<see cref="IdentityOptions.NewPersonEfSearch"/>): each query whose HNSW vote finds no person but whose exact
    /// vote does is searched again with it.</param>
    /// <param name="modelVersion">The stored faces' embedding model: the matcher searches only faces of its own model.</param>
    public static async Task MeasureAsync(FaceStore store, IdentityMatcher matcher, NpgsqlConnection connection,
        IReadOnlyList<float[]> queries, IReadOnlyDictionary<Guid, Guid> personOf, int recheckEfSearch, string modelVersion)
    {
        if (queries.Count == 0) return;
        double found = 0;
        int sameNearest = 0, sameDecision = 0, falseNew = 0, rescued = 0, falseMatch = 0, otherPerson = 0;
        IReadOnlyList<Neighbour> WithPersons(IEnumerable<Neighbour> ns) => Recall.WithPersons(ns, personOf);
        foreach (var q in queries)
        {
            var approximate = await store.NearestAsync(q, 10, connection, null, modelVersion: modelVersion);
            var exact = await ExactAsync(q, 10, connection);
            found += approximate.Count(n => exact.Any(e => e.FaceId == n.FaceId)) / (double)exact.Count;
            if (approximate.Count > 0 && approximate[0].FaceId == exact[0].FaceId) sameNearest++;
            Guid? byIndex = matcher.Vote(WithPersons(approximate))?.PersonId, byScan = matcher.Vote(WithPersons(exact))?.PersonId;
            if (byIndex == byScan) { sameDecision++; continue; }
            if (byIndex is null)
            {
                // What the matcher does next: the re-search under the new-person lock.
                falseNew++;
                if (matcher.Vote(WithPersons(await store.NearestAsync(q, 10, connection, null, modelVersion: modelVersion, efSearch: recheckEfSearch)))?.PersonId == byScan)
                    rescued++;
            }
            else if (byScan is null) falseMatch++;
            else otherPerson++;
        }
        Console.WriteLine($"  recall@10 {found / queries.Count:P1}, top-1 agreement {(double)sameNearest / queries.Count:P1}, " +
                          $"decision agreement {(double)sameDecision / queries.Count:P1} ({queries.Count} queries, exact = sequential scan)");
        Console.WriteLine($"  decisions that differ: {queries.Count - sameDecision} = {falseNew} no person found by the index " +
                          $"({rescued} of them found by the new-person re-search at ef_search {recheckEfSearch}) " +
                          $"+ {falseMatch} matched where the scan finds no person + {otherPerson} another person");
    }

    /// <summary><paramref name="neighbours"/> with their identities as persons (the bench stores faces without
    /// persons), for <see cref="IdentityMatcher.Vote"/>.</summary>
    public static IReadOnlyList<Neighbour> WithPersons(IEnumerable<Neighbour> neighbours, IReadOnlyDictionary<Guid, Guid> personOf) =>
        [.. neighbours.Select(n => n with { PersonId = personOf[n.FaceId] })];

    private static async Task<List<Neighbour>> ExactAsync(float[] q, int k, NpgsqlConnection connection)
    {
        await using var tx = await connection.BeginTransactionAsync();
        await using var batch = new NpgsqlBatch(connection, tx)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SET LOCAL enable_indexscan = off"),
                // Full precision, no index: the exact answer the HNSW search is measured against.
                new NpgsqlBatchCommand("SELECT id, (embedding <=> @q)::real FROM faces ORDER BY embedding <=> @q LIMIT @k")
                {
                    Parameters =
                    {
                        new NpgsqlParameter<Vector>("q", new Vector(q)),
                        new NpgsqlParameter<int>("k", k),
                    },
                },
            },
        };
        var ids = new List<Neighbour>(k);
        await using (var reader = await batch.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                ids.Add(new Neighbour(reader.GetGuid(0), null, reader.GetFloat(1)));
        await tx.CommitAsync();
        return ids;
    }
}
