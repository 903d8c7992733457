using System.Text;
using FaceAspire.Cli.Commands;
using FaceAspire.Vision;
using FaceAspire.Vision.Detection;
using FaceAspire.Vision.Emotion;

namespace FaceAspire.Cli.Tests;

/// <summary>
/// The exact bytes of <c>analyze --json</c> and <c>verify --json</c> lines for known inputs: key order, rounding,
/// nulls and number formats (pixels to 0.1 and scores to 0.0001, Math.Round's ties to even: 785.25 → 785.2). Scripts
/// parse these lines; a change here is a change of the contract.
/// </summary>
public sealed class JsonShapeTests
{
    private static readonly FaceAnalysis Face = new(
        new DetectedFace(new Box(1383.6f, 321.14f, 584.61f, 785.25f),
            [new(1653.94f, 614.2f), new(1897.1f, 613.12f), new(1855.1f, 767.1f), new(1662.5f, 896.3f), new(1882.7f, 895f)], 0.93061f),
        0.82064f, [0.5f, -0.25f], new EmotionResult([0.0273f, 0.0001f, 0.0096f, 0.0033f, 0.0852f, 0.0011f, 0.8734f]), 59.2f, "male", 0.9f, null);

    [Fact]
    public void AnAnalysedImageIsOneLineWithEveryKeyInItsPlace()
    {
        var line = Write("photos/couple.jpg", new ImageAnalysis(2280, 1588, [Face]), null, embeddings: true);
        Assert.Equal("""
            {"file":"photos/couple.jpg","width":2280,"height":1588,"faces":[{"box":{"x":1383.6,"y":321.1,"w":584.6,"h":785.2},"score":0.9306,"landmarks":[[1653.9,614.2],[1897.1,613.1],[1855.1,767.1],[1662.5,896.3],[1882.7,895]],"quality":0.8206,"emotion":{"dominant":"neutral","confidence":0.8734,"scores":{"angry":0.0273,"disgust":0.0001,"fear":0.0096,"happy":0.0033,"sad":0.0852,"surprise":0.0011,"neutral":0.8734}},"age":59.2,"gender":"male","embedding":[0.5,-0.25]}],"error":null}

            """, line);
    }

    [Fact]
    public void WithoutEmbeddingsOrAttributesTheKeysStayAndHoldNull()
    {
        var bare = Face with { Emotion = null, Age = null, Gender = null };
        var line = Write("a.png", new ImageAnalysis(10, 20, [bare]), null, embeddings: false);
        Assert.Equal("""
            {"file":"a.png","width":10,"height":20,"faces":[{"box":{"x":1383.6,"y":321.1,"w":584.6,"h":785.2},"score":0.9306,"landmarks":[[1653.9,614.2],[1897.1,613.1],[1855.1,767.1],[1662.5,896.3],[1882.7,895]],"quality":0.8206,"age":null,"gender":null}],"error":null}

            """, line);
    }

    [Fact]
    public void AnUnreadableFileHasNullSizeNoFacesAndItsError()
    {
        var line = Write("bad \"name\".jpg", null, "The file is not an image.", embeddings: true);
        Assert.Equal("""
            {"file":"bad \u0022name\u0022.jpg","width":null,"height":null,"faces":[],"error":"The file is not an image."}

            """, line);
    }

    [Theory]
    [InlineData(0.55544f, 0.36f, """{"similarity":0.5554,"threshold":0.36,"same":true}""")]
    [InlineData(-0.13124f, 0.36f, """{"similarity":-0.1312,"threshold":0.36,"same":false}""")]
    [InlineData(0.36f, 0.36f, """{"similarity":0.36,"threshold":0.36,"same":true}""")]
    public void VerifyIsOneLineOfSimilarityThresholdAndVerdict(float similarity, float threshold, string expected) =>
        Assert.Equal(expected, VerifyCommand.Json(similarity, threshold));

    private static string Write(string file, ImageAnalysis? result, string? error, bool embeddings)
    {
        using var stream = new MemoryStream();
        AnalyzeCommand.WriteJson(stream, file, result, error, embeddings);
        return Encoding.UTF8.GetString(stream.ToArray()).ReplaceLineEndings("\n");
    }
}
