using FaceAspire.Vision;
using FaceAspire.Vision.Emotion;
using FaceAspire.Vision.Evaluation;

namespace FaceAspire.Cli.Commands;

/// <summary><c>evaluate-emotions DIR --labels CSV [--model NAME|a+b] [--margin M]</c>: accuracy, mean class recall, per-class recall, confusion matrix.</summary>
public static class EvaluateEmotionsCommand
{
    /// <summary>Prints the report; exit 0.</summary>
    public static int Run(CliArgs args)
    {
        if (args.Positional.Count != 1) throw new UsageException("evaluate-emotions needs one image folder.");
        var labels = args.Get("labels") ?? throw new UsageException("evaluate-emotions needs --labels labels.csv.");
        using var analyzer = Engine.Create(args.Get("model"));
        var classifier = analyzer.EmotionClassifier;
        if (args.Get("margin") is not null)
            classifier = WithMargin(analyzer, args.Get("model"), args.GetFloat("margin", 0.1f));
        var report = EmotionEvaluation.Evaluate(analyzer, classifier, args.Positional[0], labels);
        Print(report);
        return 0;
    }

    /// <summary>Prints a report as the command does.</summary>
    public static void Print(EmotionReport report)
    {
        var m = report.Matrix;
        Console.WriteLine($"model {report.Model}: {m.Total} faces evaluated, {report.Skipped} skipped (no face/undecodable), {report.Excluded} excluded (label outside the 7 classes)");
        Console.WriteLine($"accuracy {m.Accuracy:P1}   mean class recall {m.MeanClassRecall:P1}   {report.MillisecondsPerFace:F2} ms/face");
        Console.WriteLine(m.ToString());
    }

    // Rebuilds the classifier(s) with another crop margin, for choosing the crop by measurement.
    private static IEmotionClassifier WithMargin(FaceAnalyzer analyzer, string? names, float margin)
    {
        var manifest = analyzer.Store.Manifest;
        var list = (names ?? manifest.Defaults["emotion"]).Split('+', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(n => manifest.Get(n))
            .Select(m => (IEmotionClassifier)new EmotionClassifier(
                analyzer.OpenExtraSession(m), m with { Preprocessing = m.Preprocessing! with { Crop = "box-square", Margin = margin } }))
            .ToList();
        return list.Count == 1 ? list[0] : new EnsembleEmotionClassifier(list);
    }
}
