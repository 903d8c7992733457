using System.CommandLine;
using System.Globalization;
using FaceAspire.Cli.CommandLine;
using FaceAspire.Vision;
using FaceAspire.Vision.Embedding;

namespace FaceAspire.Cli.Commands;

/// <summary><c>verify IMG1 IMG2 [--json]</c>: cosine similarity of the largest face of each against the calibrated threshold.</summary>
public static class VerifyCommand
{
    /// <summary>The command, its arguments and options.</summary>
    public static Command Create()
    {
        var first = CliOptions.ExistingPath("IMG1", "First image", folders: false);
        var second = CliOptions.ExistingPath("IMG2", "Second image", folders: false);
        var json = new Option<bool>("--json") { Description = """One JSON line: {"similarity":…,"threshold":…,"same":true|false}""" };
        var command = new Command("verify", "Same person? Compares the largest face of each image") { first, second, json };
        Engine.AddChecks(command);
        command.SetAction(r => Run(r.GetValue(first)!, r.GetValue(second)!, r.GetValue(json)));
        return command;
    }

    /// <summary>Exit 0 with the verdict; 1 when an image has no face or cannot be read.</summary>
    public static int Run(string first, string second, bool json)
    {
        using var analyzer = Engine.Create(intraOpThreads: 2);
        var request = new AnalysisRequest(Embeddings: true, Emotion: false, Attributes: false);
        var embeddings = new float[2][];
        string[] files = [first, second];
        for (int i = 0; i < 2; i++)
        {
            var result = analyzer.Analyze(File.ReadAllBytes(files[i]), request);
            var face = result.Faces.OrderByDescending(f => f.Detection.Box.Area).FirstOrDefault();
            if (face?.Embedding is null)
            {
                Console.Error.WriteLine($"No face found in {files[i]}.");
                return ExitCodes.Failure;
            }
            embeddings[i] = face.Embedding;
        }
        float similarity = FaceEmbedder.Cosine(embeddings[0], embeddings[1]);
        float threshold = analyzer.Options.MatchThreshold;
        Console.WriteLine(json ? Json(similarity, threshold) : Text(similarity, threshold));
        return ExitCodes.Ok;
    }

    /// <summary>The <c>--json</c> line, e.g. <c>{"similarity":0.5554,"threshold":0.36,"same":true}</c>: similarity
    /// rounded to 4 decimals, same ⇔ similarity ≥ threshold.</summary>
    public static string Json(float similarity, float threshold) => string.Create(CultureInfo.InvariantCulture,
        $"{{\"similarity\":{Math.Round(similarity, 4)},\"threshold\":{threshold},\"same\":{(similarity >= threshold ? "true" : "false")}}}");

    private static string Text(float similarity, float threshold) =>
        $"similarity {similarity:F4} (threshold {threshold:F2}): {(similarity >= threshold ? "same person" : "different people")}";
}
