using System.Globalization;
using FaceAspire.Vision;
using FaceAspire.Vision.Embedding;

namespace FaceAspire.Cli.Commands;

/// <summary><c>verify IMG1 IMG2 [--json]</c>: cosine similarity of the largest face of each against the calibrated threshold.</summary>
public static class VerifyCommand
{
    /// <summary>Exit 0 with the verdict; 1 when an image has no face.</summary>
    public static int Run(CliArgs args)
    {
        if (args.Positional.Count != 2) throw new UsageException("verify needs exactly two images.");
        using var analyzer = Engine.Create(intraOpThreads: 2);
        var request = new AnalysisRequest(Embeddings: true, Emotion: false, Attributes: false);
        var embeddings = new float[2][];
        for (int i = 0; i < 2; i++)
        {
            var result = analyzer.Analyze(File.ReadAllBytes(args.Positional[i]), request);
            var face = result.Faces.OrderByDescending(f => f.Detection.Box.Area).FirstOrDefault();
            if (face?.Embedding is null)
            {
                Console.Error.WriteLine($"No face found in {args.Positional[i]}.");
                return 1;
            }
            embeddings[i] = face.Embedding;
        }
        float similarity = FaceEmbedder.Cosine(embeddings[0], embeddings[1]);
        float threshold = analyzer.Options.MatchThreshold;
        bool same = similarity >= threshold;
        if (args.Has("json"))
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{{\"similarity\":{Math.Round(similarity, 4)},\"threshold\":{threshold},\"same\":{(same ? "true" : "false")}}}"));
        else
            Console.WriteLine($"similarity {similarity:F4} (threshold {threshold:F2}): {(same ? "same person" : "different people")}");
        return 0;
    }
}
