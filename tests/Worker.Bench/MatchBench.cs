using System.Diagnostics;
using FaceAspire.Core.Contracts;
using FaceAspire.Core.Data;
using FaceAspire.Core.Identity;
using FaceAspire.Testing;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceAspire.Worker.Bench;

/// <summary>
/// Identity-match query latency: N face embeddings stored through Core's <see cref="FaceStore"/> (HNSW index
/// maintained on insert), then <see cref="FaceStore.NearestAsync"/> (top-10, restricted to the faces' embedding model:
/// the matcher's query, <see cref="IdentityMatcher.SearchCommands"/>) timed one at a time on one pooled connection,
/// as the worker issues them, and the matcher's whole decision (that query, plus the new-person re-search when it
/// finds nobody). Embeddings are clustered like real faces: N/20 identities, each face = its identity's random
/// direction plus noise (cosine ≈ 0.7 to the centre, ≈ 0.5 between two faces of one person, ≈ 0 across people), and
/// each query is a new face of a stored identity — a returning person. <c>--twins</c> pairs the identities into
/// lookalikes, <c>--random</c> stores uniformly random vectors (<see cref="Embeddings"/>). Each run starts its own
/// PostgreSQL container (<see cref="PostgresServer"/>) with the AppHost's <c>shared_buffers</c> (1 GB: the HNSW index
/// of 100k faces is ~130 MB and must stay in memory), prepares a database as the migration step does, and removes the
/// container at the end.
/// </summary>
internal static class MatchBench
{
    private const int FacesPerIdentity = 20;
    private const int Loaders = 2; // the machine has 2 cores
    private const string SharedBuffers = "1GB";
    private const string AppRole = "faceaspire_app";

    /// <param name="hnsw">Index parameters (m, ef_construction) to build instead of the schema's, to compare insert
    /// cost and recall; null keeps the migration's index.</param>
    /// <param name="recallQueries">Queries whose HNSW top-10 is compared with the exact top-10 (sequential scan).</param>
    /// <param name="efSearch">The <c>hnsw.ef_search</c> values to time (<see cref="IdentityOptions.EfSearch"/>), each
    /// on the same stored faces and the same queries, so their latency and recall compare within one graph.</param>
    /// <param name="newPersonWriters">When above 0, <see cref="NewPersonBench"/> with that many writers after each
    /// ef_search value's figures (its new persons stay stored, so later values search a few more faces).</param>
    /// <param name="recluster">Times the re-cluster job's work on the stored faces: the HNSW neighbour graph
    /// (<see cref="FaceStore.NeighbourGraphAsync"/>, k 32, 2 connections) and DBSCAN, and prints clusters against identities.</param>
    public static async Task RunAsync(int faceCount, int queries, Embeddings vectors = Embeddings.Clustered,
        (int M, int EfConstruction)? hnsw = null, int recallQueries = 100, IReadOnlyList<int>? efSearch = null, int newPersonWriters = 0,
        bool recluster = false)
    {
        int identities = Math.Max(1, faceCount / FacesPerIdentity);
        var uniform = vectors == Embeddings.Uniform;
        var twins = vectors == Embeddings.Twins;
        await using var server = await PostgresServer.StartAsync(SharedBuffers);
        var db = await BenchDatabase.CreateAsync(server);
        await using (db)
        {
            var (m, efConstruction) = hnsw ?? (FaceSchema.HnswM, FaceSchema.HnswEfConstruction);
            if (hnsw is not null)
            {
                await using var rebuild = db.OwnerDataSource.CreateCommand($"""
                    DROP INDEX {FaceSchema.HnswIndex};
                    CREATE INDEX {FaceSchema.HnswIndex} ON faces USING hnsw (half_embedding {FaceSchema.HnswOperatorClass})
                      WITH (m = {m}, ef_construction = {efConstruction})
                    """);
                await rebuild.ExecuteNonQueryAsync();
            }
            var store = new FaceStore(Options.Create(new IdentityOptions()));
            var personOf = new System.Collections.Concurrent.ConcurrentDictionary<Guid, Guid>();
            var frameId = (await new FaceAspire.Core.Data.FrameIngest(db.AppDataSource, FaceAspire.Testing.TestEncryption.Sealer)
                .AcceptAsync(Guid.NewGuid().ToByteArray(), "image/jpeg", "bench", DateTimeOffset.UtcNow, null)).FrameId;
            var origin = new FaceOrigin(frameId, DateTimeOffset.UtcNow, "bench", "random@bench");
            var sw = Stopwatch.StartNew();
            // 1000 faces per transaction.
            await Task.WhenAll(Enumerable.Range(0, Loaders).Select(async part =>
            {
                var random = new Random(part + 1);
                await using var connection = await db.AppDataSource.OpenConnectionAsync();
                for (var done = part; done < faceCount; )
                {
                    await using var tx = await connection.BeginTransactionAsync();
                    for (var j = 0; j < 1000 && done < faceCount; j++, done += Loaders)
                    {
                        var identity = done / FacesPerIdentity % identities;
                        var faceId = Guid.CreateVersion7();
                        personOf[faceId] = IdentityId(uniform ? done : identity);
                        await store.InsertFaceAsync(faceId, null, false,
                            Observation(uniform ? UnitVector(random) : FaceOf(identity, random, twins)), origin, connection, tx);
                    }
                    await tx.CommitAsync();
                }
            }));
            Console.WriteLine($"identity match: {faceCount} faces inserted through FaceStore (HNSW m {m}, ef_construction " +
                $"{efConstruction}) in {sw.Elapsed.TotalSeconds:F0} s = {Loaders * sw.Elapsed.TotalMilliseconds / faceCount:F2} ms per face per loader");
            await using (var analyze = db.OwnerDataSource.CreateCommand("ANALYZE faces"))
                await analyze.ExecuteNonQueryAsync();

            if (recluster)
                await ReclusterAsync(store, db.AppDataSource, origin.ModelVersion, faceCount, identities, personOf);
            await using var conn = await db.AppDataSource.OpenConnectionAsync();
            foreach (var ef in efSearch ?? [new IdentityOptions().EfSearch])
            {
                var options = Options.Create(new IdentityOptions { EfSearch = ef });
                // The same query vectors for every ef_search value.
                var rng = new Random(99);
                float[] Query(Random r) => uniform ? UnitVector(r) : FaceOf(r.Next(identities), r, twins);
                var tuned = new FaceStore(options);
                for (var i = 0; i < 20; i++)
                    await tuned.NearestAsync(Query(rng), 10, conn, null, modelVersion: origin.ModelVersion);
                // times: the query alone. decisions: what the matcher spends to decide (IdentityMatcher.DecideAsync):
                // the query, plus the new-person re-search when its neighbours give no vote (without its snapshot
                // statement, sent in the same round trip).
                var matcher = new IdentityMatcher(tuned, options);
                var (times, decisions, researched) = (new double[queries], new double[queries], 0);
                for (var i = 0; i < queries; i++)
                {
                    var q = Query(rng);
                    var t = Stopwatch.GetTimestamp();
                    var result = await tuned.NearestAsync(q, 10, conn, null, modelVersion: origin.ModelVersion);
                    times[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                    if (result.Count != 10)
                        throw new InvalidOperationException($"query returned {result.Count} neighbours");
                    if (matcher.Vote(Recall.WithPersons(result, personOf)) is null)
                    {
                        researched++;
                        await tuned.NearestAsync(q, 10, conn, null, modelVersion: origin.ModelVersion, efSearch: options.Value.EffectiveNewPersonEfSearch);
                    }
                    decisions[i] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                }
                var queryLatency = Latency.P50P95(times); // sorts: times[^1] is the max
                Console.WriteLine($"identity match at {faceCount} faces ({(uniform ? "uniform random vectors" : $"{identities} identities{(twins ? " in lookalike pairs" : "")}")}, top-10, ef_search {ef}, {queries} queries): " +
                    $"{queryLatency}, max {times[^1]:F2} ms");
                Console.WriteLine($"  the matcher's decision (the query + the re-search at ef_search {options.Value.EffectiveNewPersonEfSearch} " +
                    $"when no person is found, {researched} of {queries}): {Latency.P50P95(decisions)}");
                await Recall.MeasureAsync(tuned, matcher, conn,
                    Enumerable.Range(0, recallQueries).Select(_ => Query(rng)).ToList(), personOf,
                    options.Value.EffectiveNewPersonEfSearch, origin.ModelVersion);
                if (newPersonWriters > 0)
                    await NewPersonBench.RunAsync(db.AppDataSource, options.Value, origin, newPersonWriters, perWriter: 50);
            }
        }
    }

    private static async Task ReclusterAsync(FaceStore store, NpgsqlDataSource dataSource, string model, int faceCount, int identities,
        System.Collections.Concurrent.ConcurrentDictionary<Guid, Guid> personOf)
    {
        var threshold = new IdentityOptions().MatchThreshold;
        var sw = Stopwatch.StartNew();
        var (nodes, edges) = await store.NeighbourGraphAsync(dataSource, model, threshold, k: 32, parallelism: 2);
        var graph = sw.Elapsed;
        sw.Restart();
        var neighbours = edges.Select((e, i) => new List<int>(e.Count + 1) { i }.Concat(e.Select(x => x.Node)).ToList()).ToList();
        var labels = Dbscan.Labels(neighbours, minPoints: 2);
        var dbscan = sw.Elapsed;
        var clusters = labels.Where(l => l >= 0).GroupBy(l => l).Count();
        // A cluster is pure when all its faces come from one identity.
        var pure = Enumerable.Range(0, nodes.Count).Where(i => labels[i] >= 0).GroupBy(i => labels[i])
            .Count(g => g.Select(i => personOf[nodes[i].FaceId]).Distinct().Count() == 1);
        Console.WriteLine($"recluster at {faceCount} faces: HNSW neighbour graph (k 32, 2 connections) {graph.TotalSeconds:F0} s " +
            $"({graph.TotalMilliseconds / Math.Max(1, nodes.Count):F2} ms per face), {edges.Sum(e => e.Count) / 2} edges; DBSCAN {dbscan.TotalMilliseconds:F0} ms; " +
            $"{clusters} clusters for {identities} identities, {pure} pure, {labels.Count(l => l < 0)} noise faces");
    }

    /// <summary>The bench's database on its own server: prepared by the migration step's code (extension, app role,
    /// migrations, grants), with a pool for the app role (the services' view) and one for the owner (ANALYZE, DDL).</summary>
    private sealed class BenchDatabase(NpgsqlDataSource app, NpgsqlDataSource owner) : IAsyncDisposable
    {
        public NpgsqlDataSource AppDataSource { get; } = app;
        public NpgsqlDataSource OwnerDataSource { get; } = owner;

        public static async Task<BenchDatabase> CreateAsync(PostgresServer server)
        {
            const string name = "facedb_match";
            await server.RunSqlAsync("postgres", $"CREATE DATABASE {name}");
            var ownerConnectionString = server.ConnectionString(name);
            var password = Guid.NewGuid().ToString("N");
            await DatabaseMigrator.PrepareAsync(ownerConnectionString, AppRole, password, CancellationToken.None);
            var appConnectionString = new NpgsqlConnectionStringBuilder(ownerConnectionString) { Username = AppRole, Password = password }.ConnectionString;
            return new BenchDatabase(FaceDbServiceCollectionExtensions.CreateDataSource(appConnectionString),
                FaceDbServiceCollectionExtensions.CreateDataSource(ownerConnectionString));
        }

        public async ValueTask DisposeAsync()
        {
            await AppDataSource.DisposeAsync();
            await OwnerDataSource.DisposeAsync();
        }
    }


    private static Guid IdentityId(int identity) => new(identity, 0, 0, new byte[8]);

    private static float[] FaceOf(int identity, Random noise, bool twins)
    {
        var centre = twins ? Sum(2, UnitVector(new Random(300_000 + identity / 2)), UnitVector(new Random(100_000 + identity)))
                           : UnitVector(new Random(100_000 + identity));
        return Sum(1, centre, UnitVector(noise));
    }

    /// <summary>The unit vector along a·<paramref name="x"/> + <paramref name="y"/>. For two independent random unit
    /// vectors (≈ orthogonal in 512 dimensions), two such sums sharing x are at cosine ≈ a² / (a² + 1): 0.8 for a = 2.</summary>
    private static float[] Sum(float a, float[] x, float[] y)
    {
        var v = new float[x.Length];
        double norm = 0;
        for (var i = 0; i < v.Length; i++) { v[i] = a * x[i] + y[i]; norm += v[i] * v[i]; }
        var inv = (float)(1 / Math.Sqrt(norm));
        for (var i = 0; i < v.Length; i++) v[i] *= inv;
        return v;
    }

    internal static float[] UnitVector(Random random)
    {
        var v = new float[512];
        double norm = 0;
        for (var i = 0; i < v.Length; i++)
        {
            // Box-Muller normal samples: an isotropic direction after normalising.
            var g = (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
            v[i] = g;
            norm += g * g;
        }
        var inv = (float)(1 / Math.Sqrt(norm));
        for (var i = 0; i < v.Length; i++)
            v[i] *= inv;
        return v;
    }

    internal static FaceObservation Observation(float[] embedding) => new(10, 10, 50, 50, [20, 25, 40, 25, 30, 35, 22, 45, 38, 45], 0.9f, 0.8f, embedding,
        [0, 0, 0, 0, 0, 0, 1], EmotionLabels.All[6], 1f, null, null, null);
}
