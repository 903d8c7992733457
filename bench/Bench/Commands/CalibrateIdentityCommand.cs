using System.CommandLine;
using FaceAspire.Cli;
using FaceAspire.Cli.CommandLine;
using FaceAspire.Measurement.Evaluation;
using FaceAspire.Testing;

namespace FaceAspire.Bench.Commands;

/// <summary>
/// <c>calibrate-identity [--data DIR] [--no-flip]</c>: ROC AUC, best-accuracy threshold, FAR/FRR and balanced accuracy
/// at the configured threshold on the identity sets; <c>--no-flip</c> embeds each face once, without its mirror.
/// </summary>
public static class CalibrateIdentityCommand
{
    /// <summary>The command and its options.</summary>
    public static Command Create()
    {
        var data = CliOptions.ExistingFolder("--data", "The identity sets: face_recognition/knn_examples/train, lfw12, deepface [default: ../shared/data/identities]");
        var noFlip = new Option<bool>("--no-flip") { Description = "Embed each face once, without its mirror" };
        var command = new Command("calibrate-identity", "Identity verification on the identity sets: ROC AUC, best threshold, FAR/FRR at the configured one")
        {
            data, noFlip,
        };
        Engine.AddChecks(command);
        command.SetAction(r => Run(r.GetValue(data) ?? SharedData.PathOf("identities"), !r.GetValue(noFlip)));
        return command;
    }

    /// <summary>Prints one line per set and for all pairs together; exit 0.</summary>
    public static int Run(string root, bool flipAveraging)
    {
        using var analyzer = Engine.Create(flipAveraging: flipAveraging);
        var threshold = analyzer.Options.MatchThreshold;
        Console.WriteLine($"embedding {analyzer.EmbeddingModel}, threshold {threshold:F2}");
        var sets = new IdentityDatasets(analyzer);
        var missing = new List<string>();
        var all = new List<ScoredPair>();
        void Report(string name, List<ScoredPair> pairs)
        {
            if (!ReferenceEquals(pairs, all)) all.AddRange(pairs);
            var s = PairStatistics.Compute(pairs);
            Console.WriteLine($"{name,-22} pairs {s.Pairs,5} (same {s.Positives,4})  AUC {s.RocAuc:F4}  best threshold {s.BestThreshold:F3}  accuracy {s.BestAccuracy:P2}  FAR {s.FalseAcceptRate:P2}  FRR {s.FalseRejectRate:P2}  at {threshold:F2}: accuracy {PairStatistics.AccuracyAt(pairs, threshold):P2} FAR {PairStatistics.FalseAcceptRateAt(pairs, threshold):P2} FRR {PairStatistics.FalseRejectRateAt(pairs, threshold):P2} balanced {PairStatistics.BalancedAccuracyAt(pairs, threshold):P2}");
        }
        Report("face_recognition train", sets.FolderPairs(Path.Combine(root, "face_recognition", "knn_examples", "train"), missing));
        Report("lfw12", sets.FolderPairs(Path.Combine(root, "lfw12"), missing));
        Report("deepface master.csv", sets.DeepFacePairs(Path.Combine(root, "deepface"), missing));
        Report("all", all);
        if (missing.Count > 0) Console.WriteLine($"no face found in {missing.Distinct().Count()} image(s): {string.Join(", ", missing.Distinct().Select(Path.GetFileName))}");
        return ExitCodes.Ok;
    }
}
