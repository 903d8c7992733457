using FaceAspire.Vision.Emotion;

namespace FaceAspire.Measurement.Evaluation;

/// <summary>A 7 × 7 confusion matrix over the canonical emotion classes (rows = true label, columns = prediction).</summary>
public sealed class ConfusionMatrix
{
    private readonly int[,] _counts = new int[7, 7];

    /// <summary>Records one prediction (canonical indices 0–6).</summary>
    public void Add(int actual, int predicted) => _counts[actual, predicted]++;

    /// <summary>Count of (actual, predicted).</summary>
    public int this[int actual, int predicted] => _counts[actual, predicted];

    /// <summary>Total recorded.</summary>
    public int Total { get { int t = 0; foreach (var c in _counts) t += c; return t; } }

    /// <summary>Share of correct predictions in [0, 1].</summary>
    public double Accuracy { get { int ok = 0; for (int i = 0; i < 7; i++) ok += _counts[i, i]; return Total == 0 ? 0 : ok / (double)Total; } }

    /// <summary>Number of samples whose true label is <paramref name="actual"/>.</summary>
    public int Support(int actual) { int s = 0; for (int j = 0; j < 7; j++) s += _counts[actual, j]; return s; }

    /// <summary>Recall of a class in [0, 1], or NaN when it has no samples.</summary>
    public double Recall(int actual) => Support(actual) == 0 ? double.NaN : _counts[actual, actual] / (double)Support(actual);

    /// <summary>Mean recall over classes that have samples (balanced accuracy).</summary>
    public double MeanClassRecall => Enumerable.Range(0, 7).Select(Recall).Where(r => !double.IsNaN(r)).DefaultIfEmpty(0).Average();

    /// <summary>A plain-text rendering with labels, per-class recall and totals.</summary>
    public override string ToString()
    {
        var sb = new System.Text.StringBuilder();
        sb.Append("actual\\pred".PadRight(12));
        foreach (var l in EmotionResult.Labels) sb.Append(l[..Math.Min(8, l.Length)].PadLeft(9));
        sb.AppendLine("   recall");
        for (int i = 0; i < 7; i++)
        {
            sb.Append(EmotionResult.Labels[i].PadRight(12));
            for (int j = 0; j < 7; j++) sb.Append(_counts[i, j].ToString().PadLeft(9));
            sb.AppendLine(double.IsNaN(Recall(i)) ? "        -" : $"{Recall(i),9:P1}");
        }
        return sb.ToString();
    }
}
