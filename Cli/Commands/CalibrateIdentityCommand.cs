using FaceAspire.Vision.Evaluation;

namespace FaceAspire.Cli.Commands;

/// <summary>
/// <c>calibrate-identity [--data DIR] [--no-flip]</c>: ROC AUC, best-accuracy threshold, FAR/FRR and balanced accuracy
/// at the configured threshold on the identity sets; <c>--no-flip</c> embeds each face once, without its mirror.
/// </summary>
public static class CalibrateIdentityCommand
{
    /// <summary>Prints one line per set and for all pairs together; exit 0.</summary>
    public static int Run(CliArgs args)
    {
        var root = args.Get("data") ?? SharedData.PathOf("identities");
        using var analyzer = Engine.Create(flipAveraging: !args.Has("no-flip"));
        Console.WriteLine($"embedding {analyzer.EmbeddingModel}, threshold {analyzer.Options.MatchThreshold:F2}");
        var sets = new IdentityDatasets(analyzer);
        var missing = new List<string>();
        var all = new List<ScoredPair>();
        void Report(string name, List<ScoredPair> pairs)
        {
            if (!ReferenceEquals(pairs, all)) all.AddRange(pairs);
            var s = PairStatistics.Compute(pairs);
            Console.WriteLine($"{name,-22} pairs {s.Pairs,5} (same {s.Positives,4})  AUC {s.RocAuc:F4}  best threshold {s.BestThreshold:F3}  accuracy {s.BestAccuracy:P2}  FAR {s.FalseAcceptRate:P2}  FRR {s.FalseRejectRate:P2}  at {analyzer.Options.MatchThreshold:F2}: accuracy {PairStatistics.AccuracyAt(pairs, analyzer.Options.MatchThreshold):P2} FAR {PairStatistics.FalseAcceptRateAt(pairs, analyzer.Options.MatchThreshold):P2} FRR {PairStatistics.FalseRejectRateAt(pairs, analyzer.Options.MatchThreshold):P2} balanced {PairStatistics.BalancedAccuracyAt(pairs, analyzer.Options.MatchThreshold):P2}");
        }
        Report("face_recognition train", sets.FolderPairs(Path.Combine(root, "face_recognition", "knn_examples", "train"), missing));
        Report("lfw12", sets.FolderPairs(Path.Combine(root, "lfw12"), missing));
        Report("deepface master.csv", sets.DeepFacePairs(Path.Combine(root, "deepface"), missing));
        Report("all", all);
        if (missing.Count > 0) Console.WriteLine($"no face found in {missing.Distinct().Count()} image(s): {string.Join(", ", missing.Distinct().Select(Path.GetFileName))}");
        return 0;
    }
}
