using System.Globalization;

namespace FaceAspire.Worker.Bench;

/// <summary>Command-line options of the bench.</summary>
internal sealed record BenchArgs(int Frames, int Warmup, int Seconds, int[] Faces, int Queries, bool SkipEndToEnd, bool SkipMatch, bool UniformVectors, bool KeepDatabase,
    (int Workers, int Concurrency)[] Configurations, IngestPath Ingest, int Posters, (int M, int EfConstruction)? Hnsw, int RecallQueries, bool Pin, int[]? EfSearch, int Rounds)
{
    public static BenchArgs Parse(string[] args)
    {
        string? Get(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        return new BenchArgs(
            int.Parse(Get("--frames") ?? "300", CultureInfo.InvariantCulture),
            int.Parse(Get("--warmup") ?? "300", CultureInfo.InvariantCulture),
            int.Parse(Get("--seconds") ?? "10", CultureInfo.InvariantCulture),
            (Get("--faces") ?? "10000,100000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(),
            int.Parse(Get("--queries") ?? "500", CultureInfo.InvariantCulture),
            args.Contains("--skip-e2e"),
            args.Contains("--skip-match"),
            args.Contains("--random"),
            args.Contains("--keep"),
            (Get("--e2e") ?? "1x2,1x3,2x1,2x2").Split(',').Select(c => c.Split('x'))
                .Select(p => (int.Parse(p[0], CultureInfo.InvariantCulture), int.Parse(p[1], CultureInfo.InvariantCulture))).ToArray(),
            Enum.Parse<IngestPath>(Get("--ingest") ?? "http", ignoreCase: true),
            int.Parse(Get("--posters") ?? "4", CultureInfo.InvariantCulture),
            Get("--hnsw") is { } h ? (int.Parse(h.Split(',')[0], CultureInfo.InvariantCulture), int.Parse(h.Split(',')[1], CultureInfo.InvariantCulture)) : null,
            int.Parse(Get("--recall") ?? "100", CultureInfo.InvariantCulture),
            args.Contains("--pin"),
            Get("--ef-search")?.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray(),
            int.Parse(Get("--rounds") ?? "1", CultureInfo.InvariantCulture));
    }
}
