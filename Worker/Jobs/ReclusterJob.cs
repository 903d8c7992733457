using FaceAspire.Core.Identity;
using FaceAspire.Core.Jobs;
using FaceAspire.Vision;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceAspire.Worker.Jobs;

/// <summary>
/// Re-cluster: DBSCAN (Ester et al., KDD 1996) over the searchable faces (<c>assigned</c> and <c>deferred</c>: the
/// recognisability gate holds here too) of the current embedding model with eps = the match threshold (cosine
/// similarity ≥ <see cref="IdentityOptions.MatchThreshold"/>) and minPts = <see cref="MaintenanceOptions.ReclusterMinPoints"/>
/// (parameter <c>minPoints</c>). Neighbourhoods come from the HNSW index (<see cref="FaceStore.NeighbourGraphAsync"/>,
/// parameter <c>k</c>, default 32 neighbours per face), so the job needs no vectors in memory and runs in about one
/// index search per face (docs/identity.md has the 100k-face timing). Every cluster whose faces belong to two or more
/// persons yields merge SUGGESTIONS (table <c>merge_suggestions</c>), one per extra person, towards the named person with
/// the most faces in the cluster (else the person with the most faces), except for pairs of persons that hold faces of
/// one frame (cannot-link: one photo never shows one person twice); persons are never rewritten by the job. A pair
/// already suggested (open) or rejected is not suggested again.
/// </summary>
public sealed class ReclusterJob(NpgsqlDataSource dataSource, FaceStore store, IFaceAnalyzer analyzer,
    IOptions<IdentityOptions> identity, IOptions<MaintenanceOptions> options) : IMaintenanceJob
{
    /// <inheritdoc />
    public string Kind => JobKinds.Recluster;

    /// <inheritdoc />
    public async Task<object> RunAsync(JobRun run, CancellationToken cancellationToken)
    {
        var minPoints = run.Int("minPoints", options.Value.ReclusterMinPoints, 1, 1000);
        var k = run.Int("k", 32, 1, 1000);
        var threshold = identity.Value.MatchThreshold;
        var started = System.Diagnostics.Stopwatch.StartNew();
        var (faces, edges) = await store.NeighbourGraphAsync(dataSource, analyzer.EmbeddingModel, threshold, k, parallelism: 2,
            (done, total) => run.ReportAsync(done, total, cancellationToken), cancellationToken);
        var n = faces.Count;
        // DBSCAN counts a point in its own neighbourhood.
        var neighbours = edges.Select((e, i) => new List<int>(e.Count + 1) { i }.Concat(e.Select(x => x.Node)).ToList()).ToList();
        var cluster = Dbscan.Labels(neighbours, minPoints);

        var suggestions = 0;
        var clusters = cluster.Where(c => c >= 0).Distinct().Count();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var members in Enumerable.Range(0, n).Where(i => cluster[i] >= 0).GroupBy(i => cluster[i]))
        {
            var byPerson = members.Where(i => faces[i].PersonId is not null).GroupBy(i => faces[i].PersonId!.Value).ToList();
            if (byPerson.Count < 2)
                continue;
            var named = await NamedAsync(connection, byPerson.Select(g => g.Key).ToArray(), cancellationToken);
            var target = byPerson.OrderByDescending(g => named.Contains(g.Key)).ThenByDescending(g => g.Count()).ThenBy(g => g.Key).First();
            var inTarget = target.ToHashSet();
            foreach (var other in byPerson.Where(g => g.Key != target.Key))
            {
                // The strongest direct edge between the two persons' faces in this cluster, if any (else the threshold).
                var similarity = other.SelectMany(i => edges[i].Where(e => inTarget.Contains(e.Node)).Select(e => e.Similarity))
                    .DefaultIfEmpty(threshold).Max();
                suggestions += await SuggestAsync(connection, run.JobId, target.Key, other.Key, target.Count() + other.Count(), similarity, cancellationToken);
            }
        }
        return new { faces = n, k, minPoints, threshold, clusters, noise = cluster.Count(c => c < 0), suggestions, seconds = Math.Round(started.Elapsed.TotalSeconds, 1) };
    }

    private static async Task<int> SuggestAsync(NpgsqlConnection connection, Guid jobId, Guid target, Guid source, int clusterFaces, float similarity,
        CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO merge_suggestions (job_id, target_person_id, source_person_id, cluster_faces, similarity)
            SELECT @job, @t, @s, @n, @sim
            WHERE NOT EXISTS (SELECT 1 FROM merge_suggestions m WHERE m.status IN ('open', 'rejected')
                              AND ((m.target_person_id = @t AND m.source_person_id = @s) OR (m.target_person_id = @s AND m.source_person_id = @t)))
              AND NOT EXISTS (SELECT 1 FROM faces a JOIN faces b ON b.frame_id = a.frame_id AND b.person_id = @s WHERE a.person_id = @t)
            """, connection);
        command.Parameters.AddWithValue("job", jobId);
        command.Parameters.AddWithValue("t", target);
        command.Parameters.AddWithValue("s", source);
        command.Parameters.AddWithValue("n", clusterFaces);
        command.Parameters.AddWithValue("sim", similarity);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<HashSet<Guid>> NamedAsync(NpgsqlConnection connection, Guid[] persons, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT id FROM persons WHERE id = ANY(@ids) AND coalesce(name, '') <> ''", connection);
        command.Parameters.AddWithValue("ids", persons);
        var named = new HashSet<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            named.Add(reader.GetGuid(0));
        return named;
    }
}
