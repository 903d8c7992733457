using Npgsql;

namespace FaceAspire.Core.Identity;

// The neighbour graph of the stored faces, for re-clustering: one HNSW k-NN query per face, batched.
public sealed partial class FaceStore
{
    /// <summary>A searchable face (state <c>assigned</c> or <c>deferred</c>) as a node of the neighbour graph.</summary>
    /// <param name="FaceId">The face.</param>
    /// <param name="PersonId">Its person, or null (deferred).</param>
    /// <param name="FrameId">Its frame (the cannot-link rule).</param>
    public sealed record GraphNode(Guid FaceId, Guid? PersonId, Guid FrameId);

    /// <summary>
    /// The eps-neighbourhood graph of every searchable face of <paramref name="modelVersion"/>: for each face, its
    /// <paramref name="k"/> nearest searchable faces through the HNSW index (<c>hnsw.ef_search</c> = max(k,
    /// <see cref="IdentityOptions.EfSearch"/>), iterative scan), kept when their exact cosine similarity is ≥
    /// <paramref name="minSimilarity"/>, made symmetric. Faces under the recognisability gate (<c>unidentified</c>) and
    /// faces an operator took from their person (<c>unassigned</c>) are not nodes. Cost: one index search per face,
    /// <paramref name="parallelism"/> connections at a time, 500 faces per statement (a LATERAL join); memory: the node
    /// list and the kept edges, not the vectors. Approximate like every HNSW search: a pair the index misses is no edge.
    /// </summary>
    /// <param name="dataSource">Connections for the queries.</param>
    /// <param name="modelVersion">Only faces embedded by this model.</param>
    /// <param name="minSimilarity">The edge threshold (DBSCAN's eps as a similarity), in [-1, 1].</param>
    /// <param name="k">Neighbours asked per face, in [1, 1000].</param>
    /// <param name="parallelism">Concurrent connections, ≥ 1.</param>
    /// <param name="progress">Called with (faces done, faces) after each statement; may be null.</param>
    /// <param name="cancellationToken">Cancels the queries.</param>
    /// <returns>The nodes (in id order) and, per node index, its neighbours' indexes and similarities.</returns>
    /// <exception cref="ArgumentOutOfRangeException">k or parallelism out of range.</exception>
    public async Task<(IReadOnlyList<GraphNode> Nodes, List<(int Node, float Similarity)>[] Edges)> NeighbourGraphAsync(
        NpgsqlDataSource dataSource, string modelVersion, float minSimilarity, int k, int parallelism,
        Func<int, int, Task>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, 1000);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        var nodes = new List<GraphNode>();
        await using (var command = dataSource.CreateCommand("""
            SELECT id, person_id, frame_id FROM faces
            WHERE model_version = @mv AND identity_state IN ('assigned', 'deferred') ORDER BY id
            """))
        {
            command.Parameters.AddWithValue("mv", modelVersion);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                nodes.Add(new GraphNode(reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetGuid(1), reader.GetGuid(2)));
        }
        var index = new Dictionary<Guid, int>(nodes.Count);
        for (var i = 0; i < nodes.Count; i++)
            index[nodes[i].FaceId] = i;
        var edges = new List<(int, float)>[nodes.Count];
        for (var i = 0; i < edges.Length; i++)
            edges[i] = [];

        const int batchSize = 500;
        var next = 0;
        var done = 0;
        await Task.WhenAll(Enumerable.Range(0, parallelism).Select(async _ =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            while (true)
            {
                var start = Interlocked.Add(ref next, batchSize) - batchSize;
                if (start >= nodes.Count)
                    return;
                var ids = nodes.Skip(start).Take(batchSize).Select(n => n.FaceId).ToArray();
                var found = new List<(int From, int To, float Similarity)>();
                await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
                {
                    await using var batch = new NpgsqlBatch(connection, transaction);
                    foreach (var setting in SearchSettings(Math.Max(k, _options.EfSearch)))
                        batch.BatchCommands.Add(new NpgsqlBatchCommand(setting));
                    batch.BatchCommands.Add(new NpgsqlBatchCommand(NeighbourGraphSql)
                    {
                        Parameters =
                        {
                            new NpgsqlParameter<Guid[]>("ids", ids), new NpgsqlParameter<string>("mv", modelVersion),
                            new NpgsqlParameter<int>("k", k + 1), new NpgsqlParameter<float>("min", minSimilarity),
                        },
                    });
                    await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
                        while (await reader.ReadAsync(cancellationToken))
                            if (index.TryGetValue(reader.GetGuid(1), out var to))
                                found.Add((index[reader.GetGuid(0)], to, reader.GetFloat(2)));
                    await transaction.CommitAsync(cancellationToken);
                }
                lock (edges)
                {
                    foreach (var (from, to, similarity) in found)
                    {
                        if (!edges[from].Exists(e => e.Item1 == to))
                            edges[from].Add((to, similarity));
                        if (!edges[to].Exists(e => e.Item1 == from))
                            edges[to].Add((from, similarity));
                    }
                }
                var total = Interlocked.Add(ref done, ids.Length);
                if (progress is not null)
                    await progress(total, nodes.Count);
            }
        }));
        return (nodes, edges);
    }

    /// <summary>
    /// <see cref="NeighbourGraphAsync"/>'s statement: for each seed face in <c>@ids</c>, the index scan of its
    /// <c>@k</c> nearest searchable faces of model <c>@mv</c> (itself among them) in a LATERAL join, kept at exact
    /// similarity ≥ <c>@min</c>. SQL, because LINQ cannot express a per-row index scan.
    /// </summary>
    public const string NeighbourGraphSql = """
        SELECT s.id, n.id, n.sim FROM faces s
        CROSS JOIN LATERAL (
          SELECT g.id, (1 - (g.embedding <=> s.embedding))::real AS sim FROM faces g
          WHERE g.model_version = @mv AND g.identity_state IN ('assigned', 'deferred')
          ORDER BY g.half_embedding <=> s.half_embedding LIMIT @k) n
        WHERE s.id = ANY(@ids) AND n.id <> s.id AND n.sim >= @min
        """;
}
