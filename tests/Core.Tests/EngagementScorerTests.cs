using FaceAspire.Core.Engagement;

namespace FaceAspire.Core.Tests;

public sealed class EngagementScorerTests
{
    private static Dictionary<string, double> Only(string label, double value) => new() { [label] = value };

    [Theory]
    [InlineData(100, "happy", "highly_engaged")]
    [InlineData(70, "surprise", "highly_engaged")]
    [InlineData(70, "neutral", "engaged")]
    [InlineData(69.99, "happy", "partially_engaged")]
    [InlineData(69.99, "neutral", "neutral")]
    [InlineData(40, "neutral", "neutral")]
    [InlineData(40, "happy", "partially_engaged")]
    [InlineData(39.99, "sad", "confused")]
    [InlineData(20, "fear", "confused")]
    [InlineData(20, "happy", "distracted")]
    [InlineData(19.99, "sad", "frustrated")]
    [InlineData(0, "angry", "frustrated")]
    [InlineData(0, "neutral", "bored")]
    [InlineData(19.99, "fear", "bored")]
    public void StatusFollowsTheBandAndTheDominantEmotionAtEveryEdge(double score, string dominant, string expected) =>
        Assert.Equal(expected, EngagementScorer.Status(score, dominant));

    [Fact]
    public void ScoreWeighsNeutralAtSevenTenthsAndSubtractsNegativeEmotions()
    {
        var p = new Dictionary<string, double> { ["happy"] = 30, ["surprise"] = 10, ["neutral"] = 40, ["sad"] = 5, ["angry"] = 5, ["fear"] = 5, ["disgust"] = 5 };
        var r = EngagementScorer.Score(p, "neutral");
        Assert.Equal(30 + 10 + 28 - 20, r.Score, 6);
        Assert.Equal("neutral", r.Status);
    }

    [Fact]
    public void ScoreIsClampedToZeroAndHundred()
    {
        Assert.Equal(0, EngagementScorer.Score(Only("angry", 100), "angry").Score);
        Assert.Equal(100, EngagementScorer.Score(new Dictionary<string, double> { ["happy"] = 100, ["surprise"] = 50 }, "happy").Score);
    }

    [Fact]
    public void FullyNeutralFaceIsSeventyAndThereforeEngaged()
    {
        var r = EngagementScorer.Score(Only("neutral", 100), "neutral");
        Assert.Equal(70, r.Score, 6);
        Assert.Equal("engaged", r.Status);
    }

    [Fact]
    public void EachStatusHasRecommendationsIncludingTheDocumentedOnes()
    {
        Assert.All(EngagementScorer.Statuses, s => Assert.NotEmpty(EngagementScorer.RecommendationsFor(s)));
        Assert.Contains("Try rewatching this section.", EngagementScorer.RecommendationsFor("confused"));
        Assert.Contains("Take a short break if feeling frustrated.", EngagementScorer.RecommendationsFor("frustrated"));
        var confused = EngagementScorer.Score(new Dictionary<string, double> { ["sad"] = 10, ["neutral"] = 60 }, "sad");
        Assert.Equal(("confused", 32.0), (confused.Status, confused.Score));
        Assert.Equal(EngagementScorer.RecommendationsFor("confused"), confused.Recommendations);
    }
}
