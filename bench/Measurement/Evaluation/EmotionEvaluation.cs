using FaceAspire.Vision;
using FaceAspire.Vision.Emotion;
using FaceAspire.Vision.Imaging;

namespace FaceAspire.Measurement.Evaluation;

/// <summary>Runs an emotion classifier over a labelled folder (labels.csv: <c>image,emotion</c>).</summary>
public static class EmotionEvaluation
{
    /// <summary>
    /// Reads a labels CSV (header <c>image,emotion</c>); labels outside the 7 classes (e.g. <c>contempt</c>) are
    /// returned separately because no model here predicts them.
    /// </summary>
    /// <exception cref="InvalidDataException">A line has fewer than two fields.</exception>
    public static (List<(string File, int Label)> Usable, List<string> Excluded) ReadLabels(string csvPath)
    {
        var usable = new List<(string, int)>();
        var excluded = new List<string>();
        foreach (var line in File.ReadLines(csvPath).Skip(1))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            var parts = line.Split(',');
            if (parts.Length < 2) throw new InvalidDataException($"Bad labels line: '{line}'.");
            try { usable.Add((parts[0].Trim(), EmotionResult.IndexOf(parts[1].Trim()))); }
            catch (ArgumentException) { excluded.Add(parts[0].Trim()); }
        }
        return (usable, excluded);
    }

    /// <summary>
    /// Classifies the largest detected face of each labelled image with <paramref name="classifier"/>; images without
    /// a face or that fail to decode are counted in <see cref="EmotionReport.Skipped"/>. Runs images in parallel
    /// (<paramref name="parallelism"/> workers).
    /// </summary>
    public static EmotionReport Evaluate(FaceAnalyzer analyzer, IEmotionClassifier classifier, string imageDirectory, string labelsCsv, int parallelism = 2)
    {
        var (usable, excluded) = ReadLabels(labelsCsv);
        var matrix = new ConfusionMatrix();
        var skipped = new System.Collections.Concurrent.ConcurrentBag<string>();
        var gate = new object();
        long ticks = 0;
        Parallel.ForEach(usable, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, item =>
        {
            try
            {
                using var image = analyzer.Decoder.Decode(File.ReadAllBytes(Path.Combine(imageDirectory, item.File)));
                var face = analyzer.Detector.Detect(image).OrderByDescending(f => f.Box.Area).FirstOrDefault();
                if (face is null) { skipped.Add(item.File); return; }
                long start = System.Diagnostics.Stopwatch.GetTimestamp();
                var result = classifier.Classify(image, face);
                Interlocked.Add(ref ticks, System.Diagnostics.Stopwatch.GetTimestamp() - start);
                lock (gate) matrix.Add(item.Label, result.DominantIndex);
            }
            catch (Exception e) when (e is ImageDecodeException or IOException)
            {
                skipped.Add(item.File);
            }
        });
        double msPerFace = matrix.Total == 0 ? 0 : ticks * 1000.0 / System.Diagnostics.Stopwatch.Frequency / matrix.Total;
        return new EmotionReport(classifier.Name, matrix, skipped.Count, excluded.Count, msPerFace);
    }
}

/// <summary>Figures of one evaluation run.</summary>
/// <param name="Model">Classifier name.</param>
/// <param name="Matrix">Confusion matrix of the evaluated faces.</param>
/// <param name="Skipped">Images with no detected face or that failed to decode.</param>
/// <param name="Excluded">Images whose label is not one of the 7 classes.</param>
/// <param name="MillisecondsPerFace">Mean classifier time per face (crop + Run + decode), wall clock.</param>
public sealed record EmotionReport(string Model, ConfusionMatrix Matrix, int Skipped, int Excluded, double MillisecondsPerFace);
