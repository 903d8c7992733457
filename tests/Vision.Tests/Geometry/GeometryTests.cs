using FaceAspire.Vision.Alignment;
using FaceAspire.Vision.Detection;

namespace FaceAspire.Vision.Tests.Geometry;

public sealed class GeometryTests
{
    [Fact]
    public void SimilarityRecoversAKnownRotationScaleAndShift()
    {
        // 30° rotation, scale 1.7, shift (12, −5) applied to the ArcFace template.
        float c = 1.7f * MathF.Cos(MathF.PI / 6), s = 1.7f * MathF.Sin(MathF.PI / 6);
        var from = FaceAligner.ArcFaceTemplate.ToArray();
        var to = from.Select(p => new Point2(c * p.X - s * p.Y + 12, s * p.X + c * p.Y - 5)).ToArray();
        var m = Affine2.Similarity(from, to);
        Assert.Equal(c, m.A, 4); Assert.Equal(-s, m.B, 4); Assert.Equal(12, m.C, 3);
        Assert.Equal(s, m.D, 4); Assert.Equal(c, m.E, 4); Assert.Equal(-5, m.F, 3);
    }

    [Fact]
    public void SimilarityOfNoisyPointsIsTheLeastSquaresFit()
    {
        var from = new Point2[] { new(0, 0), new(10, 0), new(0, 10), new(10, 10) };
        var to = new Point2[] { new(1, 0), new(11, 0), new(0, 10), new(10, 10) }; // one point nudged
        var m = Affine2.Similarity(from, to);
        double error(Affine2 t) => from.Zip(to).Sum(p => { var q = t.Map(p.First.X, p.First.Y); return Math.Pow(q.X - p.Second.X, 2) + Math.Pow(q.Y - p.Second.Y, 2); });
        double best = error(m);
        foreach (var d in new[] { 0.01f, -0.01f })
        {
            Assert.True(best <= error(m with { A = m.A + d, E = m.E + d }));
            Assert.True(best <= error(m with { B = m.B + d, D = m.D - d }));
            Assert.True(best <= error(m with { C = m.C + d }));
        }
    }

    [Fact]
    public void SimilarityRejectsCoincidentPoints() =>
        Assert.Throws<ArgumentException>(() => Affine2.Similarity([new(1, 1), new(1, 1)], [new(0, 0), new(1, 1)]));

    [Fact]
    public void NmsKeepsTheBestOfOverlappingBoxesAndSeparateOnes()
    {
        var faces = new List<DetectedFace>
        {
            new(new Box(0, 0, 10, 10), [], 0.8f),
            new(new Box(1, 1, 10, 10), [], 0.9f),
            new(new Box(50, 50, 10, 10), [], 0.7f),
        };
        var kept = YuNetDetector.NonMaximumSuppression(faces, 0.3f);
        Assert.Equal([0.9f, 0.7f], kept.Select(f => f.Score));
    }

    [Fact]
    public void IoUOfHalfOverlappingBoxesIsOneThird() => Assert.Equal(1 / 3f, new Box(0, 0, 10, 10).IoU(new Box(5, 0, 10, 10)), 5);

    [Fact]
    public void PoseTermIsOneForAFrontalFaceAndZeroForAProfile()
    {
        Assert.Equal(1f, FaceQuality.Pose(FaceAligner.ArcFaceTemplate), 2);
        Assert.Equal(0f, FaceQuality.Pose([new(40, 50), new(70, 50), new(75, 70)]));
    }
}
