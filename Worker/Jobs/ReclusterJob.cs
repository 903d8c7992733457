using FaceAspire.Core.Data;
using FaceAspire.Core.Identity;
using FaceAspire.Core.Jobs;
using Microsoft.EntityFrameworkCore;
using FaceAspire.Vision;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceAspire.Worker.Jobs;

/// <summary>
/// Re-cluster: DBSCAN (Ester et al., KDD 1996) over the stored faces of the current embedding model with
/// eps = the match threshold (cosine similarity ≥ <see cref="IdentityOptions.MatchThreshold"/>) and
/// minPts = <see cref="MaintenanceOptions.ReclusterMinPoints"/> (parameter <c>minPoints</c>). Every cluster whose
/// faces belong to two or more persons yields merge SUGGESTIONS (table <c>merge_suggestions</c>), one per extra
/// person, towards the named person with the most faces in the cluster (else the person with the most faces);
/// persons are never rewritten by the job. A pair already suggested (open) or rejected is not suggested again.
/// Exact neighbour search in memory, O(n²) dot products over unit vectors: ~10 s for 10,000 faces on one core;
/// beyond ~50,000 faces an index-based neighbour query would be needed.
/// </summary>
public sealed class ReclusterJob(NpgsqlDataSource dataSource, IDbContextFactory<FaceDbContext> contexts, IFaceAnalyzer analyzer,
    IOptions<IdentityOptions> identity, IOptions<MaintenanceOptions> options) : IMaintenanceJob
{
    /// <inheritdoc />
    public string Kind => JobKinds.Recluster;

    /// <inheritdoc />
    public async Task<object> RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var minPoints = run.Int("minPoints", options.Value.ReclusterMinPoints, 1, 1000);
        var threshold = identity.Value.MatchThreshold;
        var faces = await LoadAsync(analyzer.EmbeddingModel, cancellationToken);
        var n = faces.Count;
        await run.ReportAsync(0, n, cancellationToken, force: true);

        // Neighbour lists within eps (each face is its own neighbour, as in DBSCAN's definition).
        var neighbours = new List<int>[n];
        for (var i = 0; i < n; i++)
        {
            neighbours[i] = [];
            for (var j = 0; j < n; j++)
            {
                if (i == j || Dot(faces[i].Embedding, faces[j].Embedding) >= threshold)
                    neighbours[i].Add(j);
            }
            await run.ReportAsync(i + 1, n, cancellationToken);
        }
        var cluster = Dbscan(neighbours, minPoints);

        var suggestions = 0;
        var clusters = cluster.Where(c => c >= 0).Distinct().Count();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var members in Enumerable.Range(0, n).Where(i => cluster[i] >= 0).GroupBy(i => cluster[i]))
        {
            var byPerson = members.Where(i => faces[i].PersonId is not null).GroupBy(i => faces[i].PersonId!.Value).ToList();
            if (byPerson.Count < 2)
                continue;
            var target = byPerson.OrderByDescending(g => faces[g.First()].PersonNamed).ThenByDescending(g => g.Count()).ThenBy(g => g.Key).First();
            foreach (var other in byPerson.Where(g => g.Key != target.Key))
            {
                var similarity = other.SelectMany(i => target.Select(j => Dot(faces[i].Embedding, faces[j].Embedding))).Max();
                suggestions += await SuggestAsync(connection, run.JobId, target.Key, other.Key, target.Count() + other.Count(), similarity, cancellationToken);
            }
        }
        return new { faces = n, minPoints, threshold, clusters, noise = cluster.Count(c => c < 0), suggestions };
    }

    /// <summary>
    /// DBSCAN labels from precomputed eps-neighbourhoods: cluster index ≥ 0, or -1 for noise. A point is core when
    /// its neighbourhood (itself included) has at least <paramref name="minPoints"/> points; clusters grow from core
    /// points and take in the border points they reach.
    /// </summary>
    public static int[] Dbscan(IReadOnlyList<List<int>> neighbours, int minPoints)
    {
        var label = Enumerable.Repeat(-2, neighbours.Count).ToArray(); // -2 unvisited, -1 noise
        var next = 0;
        for (var p = 0; p < neighbours.Count; p++)
        {
            if (label[p] != -2)
                continue;
            if (neighbours[p].Count < minPoints)
            {
                label[p] = -1;
                continue;
            }
            var c = next++;
            label[p] = c;
            var queue = new Queue<int>(neighbours[p]);
            while (queue.TryDequeue(out var q))
            {
                if (label[q] == -1)
                    label[q] = c; // border point
                if (label[q] != -2)
                    continue;
                label[q] = c;
                if (neighbours[q].Count >= minPoints)
                    foreach (var r in neighbours[q])
                        queue.Enqueue(r);
            }
        }
        return label;
    }

    private static async Task<int> SuggestAsync(NpgsqlConnection connection, Guid jobId, Guid target, Guid source, int clusterFaces, float similarity,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO merge_suggestions (job_id, target_person_id, source_person_id, cluster_faces, similarity)
            SELECT @job, @t, @s, @n, @sim
            WHERE NOT EXISTS (SELECT 1 FROM merge_suggestions m WHERE m.status IN ('open', 'rejected')
                              AND ((m.target_person_id = @t AND m.source_person_id = @s) OR (m.target_person_id = @s AND m.source_person_id = @t)))
            """, connection);
        command.Parameters.AddWithValue("job", jobId);
        command.Parameters.AddWithValue("t", target);
        command.Parameters.AddWithValue("s", source);
        command.Parameters.AddWithValue("n", clusterFaces);
        command.Parameters.AddWithValue("sim", similarity);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The faces of <paramref name="model"/>, their embeddings scaled to unit length (cosine = dot product).</summary>
    private async Task<List<StoredEmbedding>> LoadAsync(string model, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var faces = await FaceStore.EmbeddingsAsync(db, model, cancellationToken);
        foreach (var e in faces.Select(f => f.Embedding))
        {
            var norm = MathF.Sqrt(e.Sum(v => v * v));
            for (var i = 0; i < e.Length; i++)
                e[i] /= norm;
        }
        return [.. faces];
    }

    private static float Dot(float[] a, float[] b)
    {
        var width = System.Numerics.Vector<float>.Count;
        var acc = System.Numerics.Vector<float>.Zero;
        var i = 0;
        for (; i <= a.Length - width; i += width)
            acc += new System.Numerics.Vector<float>(a, i) * new System.Numerics.Vector<float>(b, i);
        var sum = System.Numerics.Vector.Sum(acc);
        for (; i < a.Length; i++)
            sum += a[i] * b[i];
        return sum;
    }
}
