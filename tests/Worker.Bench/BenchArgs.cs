using System.Globalization;

namespace FaceAspire.Worker.Bench;

/// <summary>Command-line options of the bench.</summary>
internal sealed record BenchArgs(int Frames, int Warmup, int Seconds, int[] Faces, int Queries, bool SkipEndToEnd, bool SkipMatch, bool UniformVectors, bool KeepDatabase,
    (int Workers, int Concurrency)[] Configurations, IngestPath Ingest, int Posters, (int M, int EfConstruction)? Hnsw, int RecallQueries, bool Pin, int[]? EfSearch, int Rounds)
{
    public static BenchArgs Parse(string[] args)
    {
        string? Get(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);
        static int[] Ints(string list, char separator = ',') => list.Split(separator).Select(Int).ToArray();
        static (int, int) Pair(int[] p) => (p[0], p[1]);
        return new BenchArgs(
            Int(Get("--frames") ?? "300"),
            Int(Get("--warmup") ?? "300"),
            Int(Get("--seconds") ?? "10"),
            Ints(Get("--faces") ?? "10000,100000"),
            Int(Get("--queries") ?? "500"),
            args.Contains("--skip-e2e"),
            args.Contains("--skip-match"),
            args.Contains("--random"),
            args.Contains("--keep"),
            (Get("--e2e") ?? "1x2,1x3,2x1,2x2").Split(',').Select(c => Pair(Ints(c, 'x'))).ToArray(),
            Enum.Parse<IngestPath>(Get("--ingest") ?? "http", ignoreCase: true),
            Int(Get("--posters") ?? "4"),
            Get("--hnsw") is { } h ? Pair(Ints(h)) : null,
            Int(Get("--recall") ?? "100"),
            args.Contains("--pin"),
            Get("--ef-search") is { } ef ? Ints(ef) : null,
            Int(Get("--rounds") ?? "1"));
    }
}
