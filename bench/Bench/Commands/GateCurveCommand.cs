using System.CommandLine;
using FaceAspire.Cli;
using FaceAspire.Cli.CommandLine;
using FaceAspire.Core.Identity;
using FaceAspire.Testing;
using FaceAspire.Vision;
using FaceAspire.Vision.Embedding;
using OpenCvSharp;

namespace FaceAspire.Bench.Commands;

/// <summary>
/// <c>gate-curve [--data DIR]</c>: where embeddings stop being trustworthy, the measurement behind the recognisability
/// gate (docs/identity.md). (1) The lfw12 photos downscaled so the face is S pixels wide (S = 24…96): the mean
/// inter-ocular distance (IOD) of the detected faces, and the true-match rate (same person, similarity ≥ threshold) and
/// false-match rate (different people, similarity ≥ threshold) over all pairs at that size. (2) The crowd photos of
/// groups/: every pair of faces within one photo is two different people (one photo never shows a person twice), so the
/// share of such pairs at or above the threshold is a false-match rate measured on real small faces, printed by the
/// smaller face's IOD and by its recognisability.
/// </summary>
public static class GateCurveCommand
{
    /// <summary>The command and its options.</summary>
    public static Command Create()
    {
        var data = CliOptions.ExistingFolder("--data", "The shared data folder with identities/lfw12 and groups/ [default: ../shared/data]");
        var command = new Command("gate-curve", "False-match rate against face size and recognisability: the measurement behind the identity gate") { data };
        Engine.AddChecks(command);
        command.SetAction(r => Run(r.GetValue(data) ?? SharedData.PathOf(".")));
        return command;
    }

    private static readonly AnalysisRequest EmbedOnly = new(Embeddings: true, Emotion: false, Attributes: false);

    /// <summary>Prints both tables; exit 0.</summary>
    public static int Run(string root)
    {
        using var analyzer = Engine.Create();
        var threshold = analyzer.Options.MatchThreshold;
        var options = new IdentityOptions();
        Console.WriteLine($"embedding {analyzer.EmbeddingModel}, threshold {threshold:F2}");

        var lfw = Directory.GetDirectories(Path.Combine(root, "identities", "lfw12")).Order(StringComparer.Ordinal)
            .SelectMany(d => Directory.GetFiles(d).Order(StringComparer.Ordinal).Select(f => (Person: Path.GetFileName(d), File: f))).ToList();
        Console.WriteLine($"lfw12 downscaled ({lfw.Count} photos; face px = face box width after scaling):");
        // The largest face's width in each photo at full size, once.
        var widths = new System.Collections.Concurrent.ConcurrentDictionary<string, float>();
        Parallel.ForEach(lfw, new ParallelOptions { MaxDegreeOfParallelism = 2 }, item =>
        {
            if (analyzer.Analyze(File.ReadAllBytes(item.File), EmbedOnly).Faces.MaxBy(f => f.Detection.Box.Area) is { } face)
                widths[item.File] = face.Detection.Box.W;
        });
        foreach (var size in new[] { 24, 28, 32, 40, 48, 64, 80 })
        {
            var faces = new List<(string Person, float[] Embedding, float Iod)>();
            Parallel.ForEach(lfw, new ParallelOptions { MaxDegreeOfParallelism = 2 }, item =>
            {
                if (!widths.TryGetValue(item.File, out var width))
                    return;
                using var image = Cv2.ImRead(item.File);
                var scale = size / width;
                if (scale >= 1)
                    return;
                using var small = image.Resize(new Size(), scale, scale, InterpolationFlags.Area);
                Cv2.ImEncode(".png", small, out var png);
                var face = analyzer.Analyze(png, EmbedOnly).Faces.MaxBy(f => f.Detection.Box.Area);
                if (face?.Embedding is null)
                    return;
                lock (faces) faces.Add((item.Person, face.Embedding, Iod(face)));
            });
            var (same, sameHit, diff, diffHit) = (0, 0, 0, 0);
            for (var i = 0; i < faces.Count; i++)
                for (var j = i + 1; j < faces.Count; j++)
                {
                    var hit = FaceEmbedder.Cosine(faces[i].Embedding, faces[j].Embedding) >= threshold;
                    if (faces[i].Person == faces[j].Person) { same++; sameHit += hit ? 1 : 0; }
                    else { diff++; diffHit += hit ? 1 : 0; }
                }
            Console.WriteLine($"  face {size,3} px: {faces.Count,3} faces, mean IOD {faces.Select(f => f.Iod).DefaultIfEmpty().Average(),5:F1} px  " +
                              $"TMR {(double)sameHit / Math.Max(1, same):P1}  FMR {(double)diffHit / Math.Max(1, diff):P2} ({diffHit}/{diff})");
        }

        var crowd = new List<(float[] Embedding, float Iod, float Score, string Photo)>();
        foreach (var file in Directory.GetFiles(Path.Combine(root, "groups")).Order(StringComparer.Ordinal))
            foreach (var face in analyzer.Analyze(File.ReadAllBytes(file), EmbedOnly).Faces.Where(f => f.Embedding is not null))
                crowd.Add((face.Embedding!, Iod(face), Recognisability.Score(Iod(face), face.Quality, options.FullSizeInterOcularPixels), file));
        var pairs = new List<(float MinIod, float MinScore, bool Hit)>();
        foreach (var photo in crowd.GroupBy(c => c.Photo))
        {
            var f = photo.ToList();
            for (var i = 0; i < f.Count; i++)
                for (var j = i + 1; j < f.Count; j++)
                    pairs.Add((Math.Min(f[i].Iod, f[j].Iod), Math.Min(f[i].Score, f[j].Score),
                        FaceEmbedder.Cosine(f[i].Embedding, f[j].Embedding) >= threshold));
        }
        Console.WriteLine($"crowd photos: {crowd.Count} faces, {pairs.Count} same-photo pairs (all different people):");
        void Table(string what, Func<(float MinIod, float MinScore, bool Hit), float> key, float[] edges, string unit)
        {
            for (var b = 0; b < edges.Length; b++)
            {
                var (lo, hi) = (edges[b], b + 1 < edges.Length ? edges[b + 1] : float.PositiveInfinity);
                var bin = pairs.Where(p => key(p) >= lo && key(p) < hi).ToList();
                if (bin.Count > 0)
                    Console.WriteLine($"  {what} {lo,5:0.##}{(float.IsPositiveInfinity(hi) ? "+" : $"–{hi:0.##}"),-6}{unit}: FMR {(double)bin.Count(p => p.Hit) / bin.Count:P2} ({bin.Count(p => p.Hit)}/{bin.Count})");
            }
        }
        Table("smaller IOD", p => p.MinIod, [0, 8, 10, 12, 14, 16, 20, 30], " px");
        Table("smaller recognisability", p => p.MinScore, [0, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f], "");
        return ExitCodes.Ok;
    }

    // The engine's eye landmarks (points 0 and 1) as the matcher reads them.
    private static float Iod(FaceAnalysis face)
    {
        var (a, b) = (face.Detection.Landmarks[0], face.Detection.Landmarks[1]);
        return Recognisability.InterOcularDistance([a.X, a.Y, b.X, b.Y]);
    }
}
