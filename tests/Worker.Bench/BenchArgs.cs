using System.Globalization;

namespace FaceAspire.Worker.Bench;

/// <summary>Command-line options of the bench.</summary>
internal sealed record BenchArgs(int Frames, int Warmup, int Seconds, int[] Faces, int Queries, bool SkipEndToEnd, bool SkipMatch, Embeddings Vectors,
    (int Workers, int Concurrency)[] Configurations, IngestPath Ingest, int Posters, (int M, int EfConstruction)? Hnsw, int RecallQueries, bool Pin, int[]? EfSearch, int Rounds, int NewPersonWriters, bool Recluster)
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
            args.Contains("--random") ? Embeddings.Uniform : args.Contains("--twins") ? Embeddings.Twins : Embeddings.Clustered,
            (Get("--e2e") ?? "1x2,1x3,2x1,2x2").Split(',').Select(c => Pair(Ints(c, 'x'))).ToArray(),
            Enum.Parse<IngestPath>(Get("--ingest") ?? "http", ignoreCase: true),
            Int(Get("--posters") ?? "4"),
            Get("--hnsw") is { } h ? Pair(Ints(h)) : null,
            Int(Get("--recall") ?? "100"),
            args.Contains("--pin"),
            Get("--ef-search") is { } ef ? Ints(ef) : null,
            Int(Get("--rounds") ?? "1"),
            Int(Get("--new-persons") ?? "0"),
            args.Contains("--recluster"));
    }
}

/// <summary>The stored embeddings of the match bench.</summary>
internal enum Embeddings
{
    /// <summary>Face-like: 20 noisy faces per identity around its own random direction; identities ≈ orthogonal.</summary>
    Clustered,

    /// <summary>As <see cref="Clustered"/>, with identities in pairs of lookalikes (centres at cosine ≈ 0.8, so a
    /// face of one twin is ≈ 0.4 from the other's, above the match threshold): the hard case for a search that
    /// misses a person's faces, which can then match the twin instead of finding nobody.</summary>
    Twins,

    /// <summary>Uniformly random unit vectors, every one its own identity: HNSW's worst case; no face workload looks
    /// like it.</summary>
    Uniform,
}
