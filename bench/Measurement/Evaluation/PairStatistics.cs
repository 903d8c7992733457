namespace FaceAspire.Measurement.Evaluation;

/// <summary>A scored verification pair: cosine similarity and whether the two faces are the same person.</summary>
public readonly record struct ScoredPair(float Similarity, bool Same);

/// <summary>Verification figures over scored pairs.</summary>
/// <param name="Pairs">Number of pairs.</param>
/// <param name="Positives">Same-person pairs.</param>
/// <param name="RocAuc">Area under the ROC curve in [0, 1] (probability a random same pair outscores a random different pair; ties count ½).</param>
/// <param name="BestThreshold">Similarity threshold (same ⇔ similarity ≥ threshold) with the highest accuracy; midpoint between neighbouring scores.</param>
/// <param name="BestAccuracy">Accuracy at <paramref name="BestThreshold"/>, in [0, 1].</param>
/// <param name="FalseAcceptRate">Share of different-person pairs accepted at that threshold.</param>
/// <param name="FalseRejectRate">Share of same-person pairs rejected at that threshold.</param>
public sealed record PairStatistics(int Pairs, int Positives, double RocAuc, float BestThreshold, double BestAccuracy, double FalseAcceptRate, double FalseRejectRate)
{
    /// <summary>Accuracy of a fixed threshold over the pairs.</summary>
    public static double AccuracyAt(IReadOnlyList<ScoredPair> pairs, float threshold) =>
        pairs.Count == 0 ? 0 : pairs.Count(p => (p.Similarity >= threshold) == p.Same) / (double)pairs.Count;

    /// <summary>Share of different-person pairs whose similarity reaches <paramref name="threshold"/>.</summary>
    public static double FalseAcceptRateAt(IReadOnlyList<ScoredPair> pairs, float threshold) =>
        pairs.Count(p => !p.Same) is var n and > 0 ? pairs.Count(p => !p.Same && p.Similarity >= threshold) / (double)n : 0;

    /// <summary>Share of same-person pairs whose similarity stays below <paramref name="threshold"/>.</summary>
    public static double FalseRejectRateAt(IReadOnlyList<ScoredPair> pairs, float threshold) =>
        pairs.Count(p => p.Same) is var n and > 0 ? pairs.Count(p => p.Same && p.Similarity < threshold) / (double)n : 0;

    /// <summary>Mean of the true-accept and true-reject rates at <paramref name="threshold"/>: 1 − (FAR + FRR) / 2.</summary>
    public static double BalancedAccuracyAt(IReadOnlyList<ScoredPair> pairs, float threshold) =>
        1 - (FalseAcceptRateAt(pairs, threshold) + FalseRejectRateAt(pairs, threshold)) / 2;

    /// <summary>Computes AUC (Mann–Whitney U) and the best-accuracy threshold.</summary>
    /// <exception cref="ArgumentException">No pairs, or only one class present.</exception>
    public static PairStatistics Compute(IReadOnlyList<ScoredPair> pairs)
    {
        int pos = pairs.Count(p => p.Same), neg = pairs.Count - pos;
        if (pos == 0 || neg == 0) throw new ArgumentException("Need both same-person and different-person pairs.");
        var sorted = pairs.OrderBy(p => p.Similarity).ToArray();
        // AUC by ranks with ties averaged.
        double rankSumPos = 0;
        for (int i = 0; i < sorted.Length;)
        {
            int j = i;
            while (j + 1 < sorted.Length && sorted[j + 1].Similarity == sorted[i].Similarity) j++;
            double avgRank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) if (sorted[k].Same) rankSumPos += avgRank;
            i = j + 1;
        }
        double auc = (rankSumPos - pos * (pos + 1) / 2.0) / ((double)pos * neg);
        // Sweep thresholds between consecutive scores: below index i everything is rejected.
        int bestCorrect = -1, bestIndex = 0, rejectedPos = 0, rejectedNeg = 0;
        for (int i = 0; i <= sorted.Length; i++)
        {
            if (i > 0) { if (sorted[i - 1].Same) rejectedPos++; else rejectedNeg++; }
            if (i > 0 && i < sorted.Length && sorted[i].Similarity == sorted[i - 1].Similarity) continue;
            int correct = rejectedNeg + (pos - rejectedPos);
            if (correct > bestCorrect) { bestCorrect = correct; bestIndex = i; }
        }
        float threshold = bestIndex == 0 ? sorted[0].Similarity - 1e-4f
            : bestIndex == sorted.Length ? sorted[^1].Similarity + 1e-4f
            : (sorted[bestIndex - 1].Similarity + sorted[bestIndex].Similarity) / 2;
        double far = pairs.Count(p => !p.Same && p.Similarity >= threshold) / (double)neg;
        double frr = pairs.Count(p => p.Same && p.Similarity < threshold) / (double)pos;
        return new PairStatistics(pairs.Count, pos, auc, threshold, bestCorrect / (double)pairs.Count, far, frr);
    }
}
