using FaceAspire.Core.Recognition;
using FaceAspire.Testing;
using FaceAspire.Measurement.Evaluation;
using FaceAspire.Worker.IntegrationTests.Support;
using Xunit.Abstractions;

namespace FaceAspire.Mood.IntegrationTests;

/// <summary>The identify API's confidence calibration against a fresh fit on the shared labelled pairs.</summary>
public sealed class CalibrationTests(ITestOutputHelper output)
{
    [Fact]
    public void TheDefaultConfidenceMatchesALogisticFitOnTheIdentityPairs()
    {
        var sets = new IdentityDatasets(TestFrames.Analyzer);
        var missing = new List<string>();
        var root = SharedData.PathOf("identities");
        var pairs = sets.FolderPairs(Path.Combine(root, "face_recognition", "knn_examples", "train"), missing)
            .Concat(sets.FolderPairs(Path.Combine(root, "lfw12"), missing))
            .Concat(sets.DeepFacePairs(Path.Combine(root, "deepface"), missing))
            .Select(p => (p.Similarity, p.Same)).ToList();
        var fit = IdentityConfidence.Fit(pairs);
        var d = IdentityConfidence.Default;
        output.WriteLine($"pairs {pairs.Count} (same {pairs.Count(p => p.Same)}): slope {fit.Slope:F2}, intercept {fit.Intercept:F2}; " +
                         $"p(0.30) {fit.Confidence(0.30):F3} p(0.36) {fit.Confidence(0.36):F3} p(0.45) {fit.Confidence(0.45):F3}");
        Console.WriteLine($"CALIBRATION slope {fit.Slope:F2} intercept {fit.Intercept:F2} pairs {pairs.Count}");
        Assert.True(pairs.Count > 4000);
        // The shipped constants must describe the data: the same probability within 0.05 over the useful range.
        for (var s = 0.0; s <= 0.8; s += 0.02)
            Assert.True(Math.Abs(fit.Confidence(s) - d.Confidence(s)) < 0.05, $"at {s:F2}: fit {fit.Confidence(s):F3}, default {d.Confidence(s):F3}");
        // Log-loss of the fit is better than a constant prior.
        var prior = pairs.Count(p => p.Same) / (double)pairs.Count;
        double Loss(Func<double, double> p) => -pairs.Average(x => Math.Log(Math.Clamp(x.Same ? p(x.Similarity) : 1 - p(x.Similarity), 1e-12, 1)));
        Assert.True(Loss(fit.Confidence) < 0.2 * Loss(_ => prior));
    }
}
