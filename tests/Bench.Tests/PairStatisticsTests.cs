using FaceAspire.Measurement.Evaluation;

namespace FaceAspire.Bench.Tests;

/// <summary><see cref="PairStatistics"/>: the ROC AUC and the best threshold that calibrate-identity prints.</summary>
public sealed class PairStatisticsTests
{
    [Fact]
    public void PairStatisticsOnASeparableSetHasAucOneAndPerfectThreshold()
    {
        var pairs = new List<ScoredPair> { new(0.9f, true), new(0.7f, true), new(0.3f, false), new(0.1f, false) };
        var s = PairStatistics.Compute(pairs);
        Assert.Equal(1.0, s.RocAuc, 6);
        Assert.Equal(1.0, s.BestAccuracy, 6);
        Assert.InRange(s.BestThreshold, 0.3f, 0.7f);
        Assert.Equal(0, s.FalseAcceptRate);
    }

    [Fact]
    public void PairStatisticsCountsTiesAsHalfInTheAuc()
    {
        var pairs = new List<ScoredPair> { new(0.5f, true), new(0.5f, false) };
        Assert.Equal(0.5, PairStatistics.Compute(pairs).RocAuc, 6);
    }
}
