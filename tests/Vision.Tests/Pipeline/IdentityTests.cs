using FaceAspire.Vision.Embedding;
using FaceAspire.Testing;
using FaceAspire.Measurement.Evaluation;
using FaceAspire.Vision.Tests.Support;

namespace FaceAspire.Vision.Tests.Pipeline;

/// <summary>
/// The calibrated threshold on real identity sets. Figures measured with calibrate-identity (2026-11-22, fr_feature):
/// lfw12 AUC 0.9999; deepface master.csv accuracy 100 % at 0.36; face_recognition train separable. Assertions sit a
/// little below so a regression fails.
/// </summary>
public sealed class IdentityTests(AnalyzerFixture fixture) : IClassFixture<AnalyzerFixture>
{
    [ModelsFact("identities/face_recognition/knn_examples/train")]
    public void EverySamePersonPairIsAboveAndEveryCrossPairBelowTheThreshold()
    {
        var root = SharedData.PathOf("identities/face_recognition/knn_examples/train");
        var sets = new IdentityDatasets(fixture.Require);
        var people = Directory.GetDirectories(root).Select(d => (Name: Path.GetFileName(d), Files: Directory.GetFiles(d))).ToList();
        var all = people.SelectMany(p => p.Files.Select(f => (p.Name, File: f))).ToList();
        float threshold = fixture.Require.Options.MatchThreshold;
        var failures = new List<string>();
        for (int i = 0; i < all.Count; i++)
        {
            for (int j = i + 1; j < all.Count; j++)
            {
                var a = sets.Embed(all[i].File) ?? throw new Xunit.Sdk.XunitException($"no face in {all[i].File}");
                var b = sets.Embed(all[j].File) ?? throw new Xunit.Sdk.XunitException($"no face in {all[j].File}");
                float sim = FaceEmbedder.Cosine(a, b);
                bool same = all[i].Name == all[j].Name;
                if (same != sim >= threshold) failures.Add($"{Path.GetFileName(all[i].File)}~{Path.GetFileName(all[j].File)} {sim:F3} same={same}");
            }
        }
        Assert.True(people.Count == 5 && all.Count >= 9, "expected the 5-person training set");
        Assert.Empty(failures);
    }

    [ModelsFact("identities/deepface/master.csv")]
    public void DeepFacePairsAreClassifiedAtTheConfiguredThreshold()
    {
        var missing = new List<string>();
        var pairs = new IdentityDatasets(fixture.Require).DeepFacePairs(SharedData.PathOf("identities/deepface"), missing);
        Assert.True(pairs.Count >= 290, $"only {pairs.Count} of 300 pairs had faces (missing: {string.Join(", ", missing)})");
        double accuracy = PairStatistics.AccuracyAt(pairs, fixture.Require.Options.MatchThreshold);
        Assert.True(accuracy >= 0.98, $"deepface pair accuracy {accuracy:P2} < 98 % (measured 100 %)");
    }

    [ModelsFact("identities/lfw12")]
    public void LfwTightCropsSeparateAlmostPerfectly()
    {
        var missing = new List<string>();
        var pairs = new IdentityDatasets(fixture.Require).FolderPairs(SharedData.PathOf("identities/lfw12"), missing);
        Assert.Empty(missing);
        var stats = PairStatistics.Compute(pairs);
        Assert.True(stats.RocAuc >= 0.995, $"lfw12 ROC AUC {stats.RocAuc:F4} < 0.995 (measured 0.9999)");
        Assert.True(PairStatistics.FalseAcceptRateAt(pairs, fixture.Require.Options.MatchThreshold) <= 0.005, "FAR at the threshold above 0.5 %");
    }

    [ModelsFact("identities/face_recognition/obama.jpg", "identities/face_recognition/obama-240p.jpg")]
    public void ResolutionDoesNotChangeIdentity()
    {
        var sets = new IdentityDatasets(fixture.Require);
        var hi = sets.Embed(SharedData.PathOf("identities/face_recognition/obama.jpg"))!;
        var lo = sets.Embed(SharedData.PathOf("identities/face_recognition/obama-240p.jpg"))!;
        Assert.True(FaceEmbedder.Cosine(hi, lo) >= fixture.Require.Options.MatchThreshold);
    }
}
