using FaceAspire.Vision;
using FaceAspire.Vision.Embedding;
using FaceAspire.Vision.Imaging;

namespace FaceAspire.Measurement.Evaluation;

/// <summary>
/// Verification pairs from the identity sets under <c>shared/data/identities</c>: every pair within and across the
/// folder-per-person sets (<c>face_recognition/knn_examples/train</c>, <c>lfw12</c>) and the labelled pairs of
/// deepface's <c>master.csv</c> (img1, img2, Yes/No).
/// </summary>
public sealed class IdentityDatasets(FaceAnalyzer analyzer)
{
    private readonly Dictionary<string, float[]?> _cache = new();
    private static readonly AnalysisRequest EmbedOnly = new(Embeddings: true, Emotion: false, Attributes: false);

    /// <summary>The largest face's embedding in a file, or null when none is found (cached per path).</summary>
    public float[]? Embed(string path)
    {
        lock (_cache) if (_cache.TryGetValue(path, out var cached)) return cached;
        float[]? embedding;
        try
        {
            var result = analyzer.Analyze(File.ReadAllBytes(path), EmbedOnly);
            embedding = result.Faces.OrderByDescending(f => f.Detection.Box.Area).FirstOrDefault()?.Embedding;
        }
        catch (ImageDecodeException) { embedding = null; }
        lock (_cache) _cache[path] = embedding;
        return embedding;
    }

    /// <summary>Embeds files in parallel so later calls hit the cache.</summary>
    public void Warm(IEnumerable<string> paths, int parallelism = 2) =>
        Parallel.ForEach(paths, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, p => Embed(p));

    /// <summary>All pairs of images in a folder-per-person tree. Images without a face are reported in <paramref name="missing"/>.</summary>
    public List<ScoredPair> FolderPairs(string root, List<string> missing)
    {
        var items = Directory.GetDirectories(root).Order(StringComparer.Ordinal)
            .SelectMany(d => Directory.GetFiles(d).Where(IsImage).Order(StringComparer.Ordinal).Select(f => (Person: Path.GetFileName(d), File: f)))
            .ToList();
        Warm(items.Select(i => i.File));
        var embedded = items.Select(i => (i.Person, i.File, Embedding: Embed(i.File))).ToList();
        missing.AddRange(embedded.Where(e => e.Embedding is null).Select(e => e.File));
        var valid = embedded.Where(e => e.Embedding is not null).ToList();
        var pairs = new List<ScoredPair>();
        for (int i = 0; i < valid.Count; i++)
            for (int j = i + 1; j < valid.Count; j++)
                pairs.Add(new(FaceEmbedder.Cosine(valid[i].Embedding!, valid[j].Embedding!), valid[i].Person == valid[j].Person));
        return pairs;
    }

    /// <summary>deepface's labelled pairs (<c>master.csv</c>: file_x, file_y, Decision Yes/No).</summary>
    public List<ScoredPair> DeepFacePairs(string deepfaceDir, List<string> missing)
    {
        var rows = File.ReadLines(Path.Combine(deepfaceDir, "master.csv")).Skip(1)
            .Select(l => l.Split(',')).Where(p => p.Length >= 3)
            .Select(p => (A: Path.Combine(deepfaceDir, p[0].Trim()), B: Path.Combine(deepfaceDir, p[1].Trim()), Same: p[2].Trim().Equals("Yes", StringComparison.OrdinalIgnoreCase)))
            .ToList();
        Warm(rows.SelectMany(r => new[] { r.A, r.B }).Distinct());
        var pairs = new List<ScoredPair>();
        foreach (var (a, b, same) in rows)
        {
            var ea = Embed(a);
            var eb = Embed(b);
            if (ea is null || eb is null) { missing.Add(ea is null ? a : b); continue; }
            pairs.Add(new(FaceEmbedder.Cosine(ea, eb), same));
        }
        return pairs;
    }

    private static bool IsImage(string f) => Path.GetExtension(f).ToLowerInvariant() is ".jpg" or ".jpeg" or ".png";
}
