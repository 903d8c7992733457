using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using FaceAspire.Core.Contracts;
using FaceAspire.Core.Identity;
using FaceAspire.Testing;
using FaceAspire.Worker.IntegrationTests.Support;
using FaceAspire.Worker.Bench;

// Usage: Worker.Bench [--frames N] [--warmup N] [--seconds S] [--faces 10000,100000] [--queries Q] [--skip-e2e] [--skip-match] [--random | --twins] [--e2e 1x2,1x3,2x1,2x2 (worker processes x concurrency)] [--ingest http|direct] [--posters 4] [--hnsw M,EF_CONSTRUCTION (instead of the schema's)] [--recall Q (queries checked against exact search)] [--ef-search 64,40 (each timed on the same faces)] [--new-persons W (W concurrent writers of brand-new faces, after each ef_search's figures)] [--rounds N (vision-only, then each --e2e configuration followed by vision-only again, N times; ratios against the mean of the two vision-only runs around each; medians)] [--pin (workers on core 0, servers/Api/client on core 1; vision-only = 1 thread on core 0)] [--recluster (time the re-cluster job's HNSW neighbour graph and DBSCAN on the stored faces)]
var options = BenchArgs.Parse(args);
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
Console.WriteLine($"{Environment.ProcessorCount} cores; PostgreSQL {ContainerImages.Postgres}, RabbitMQ {ContainerImages.RabbitMq}");
// Pinned, the servers' containers get their own core from creation on (CorePinning).
if (options.Pin)
    TestInfrastructure.ContainerCpus = CorePinning.Cpus(CorePinning.InfraCore);

if (!options.SkipEndToEnd)
{
    var deepface = Path.Combine(Path.GetDirectoryName(SharedData.PathOf("identities/deepface"))!, "deepface");
    var photos = TestFrames.PhotosUnder(TestFrames.KnnTrain).Concat(TestFrames.PhotosUnder(deepface)).ToList();
    var frames = TestFrames.SingleFaceVariants(photos, options.Frames + options.Warmup);
    Console.WriteLine($"{frames.Count} distinct single-face 640x480 frames built");
    await EndToEnd.RunRoundsAsync(frames, options);
}
if (!options.SkipMatch)
{
    foreach (var n in options.Faces)
        await MatchBench.RunAsync(n, options.Queries, options.Vectors, options.Hnsw, options.RecallQueries, options.EfSearch, options.NewPersonWriters, options.Recluster);
}
return 0;
