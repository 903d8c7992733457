using System.CommandLine;
using FaceAspire.Cli;
using FaceAspire.Cli.CommandLine;
using FaceAspire.Measurement.Evaluation;
using FaceAspire.Vision;
using FaceAspire.Vision.Emotion;

namespace FaceAspire.Bench.Commands;

/// <summary><c>evaluate-emotions DIR --labels CSV [--model NAME|a+b] [--margin M]</c>: accuracy, mean class recall,
/// per-class recall, confusion matrix.</summary>
public static class EvaluateEmotionsCommand
{
    /// <summary>The command, its argument and options.</summary>
    public static Command Create()
    {
        var images = CliOptions.ExistingPath("DIR", "The labelled images", files: false);
        var labels = CliOptions.ExistingFile("--labels", "CSV with header image,emotion (image relative to DIR)");
        labels.Required = true;
        var model = Engine.EmotionOption("--model");
        var margin = CliOptions.Float("--margin", "Crop the face box squared with this margin (e.g. 0.1) instead of the model's own crop");
        var command = new Command("evaluate-emotions", "Emotion accuracy on a labelled folder: accuracy, mean class recall, confusion matrix")
        {
            images, labels, model, margin,
        };
        Engine.AddChecks(command, model);
        command.SetAction(r => Run(r.GetValue(images)!, r.GetValue(labels)!, r.GetValue(model), r.GetValue(margin)));
        return command;
    }

    /// <summary>Prints the report; exit 0.</summary>
    public static int Run(string images, string labels, string? model, float? margin)
    {
        using var analyzer = Engine.Create(model);
        var classifier = margin is { } m ? WithMargin(analyzer, model, m) : analyzer.EmotionClassifier;
        Print(EmotionEvaluation.Evaluate(analyzer, classifier, images, labels));
        return ExitCodes.Ok;
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
