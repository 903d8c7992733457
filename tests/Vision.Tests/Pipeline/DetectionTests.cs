using FaceAspire.Testing;
using FaceAspire.Vision.Tests.Support;

namespace FaceAspire.Vision.Tests.Pipeline;

public sealed class DetectionTests(AnalyzerFixture fixture) : IClassFixture<AnalyzerFixture>
{
    [ModelsFact("groups/selfie-many-people.jpg")]
    public void SelfieWithManyPeopleHasSixFaces() => Assert.Equal(6, Count("groups/selfie-many-people.jpg"));

    [ModelsFact("groups/couple.jpg")]
    public void CoupleHasTwoFaces() => Assert.Equal(2, Count("groups/couple.jpg"));

    [ModelsFact("identities/lfw12")]
    public void TightlyCroppedLfwFacesAreFoundThanksToPadding()
    {
        var files = Directory.GetFiles(SharedData.PathOf("identities/lfw12"), "*.jpg", SearchOption.AllDirectories);
        int found = files.Count(f => fixture.Require.Analyze(File.ReadAllBytes(f), new(false, false, false)).Faces.Count >= 1);
        Assert.Equal(files.Length, found);
    }

    [ModelsFact("identities/face_recognition/obama.jpg")]
    public void LandmarksLieInsideTheBoxInImageOrder()
    {
        var face = Assert.Single(fixture.Require.Analyze(File.ReadAllBytes(SharedData.PathOf("identities/face_recognition/obama.jpg"))).Faces);
        var (box, lm) = (face.Detection.Box, face.Detection.Landmarks);
        Assert.All(lm, p => Assert.InRange(p.X, box.X, box.X + box.W));
        Assert.All(lm, p => Assert.InRange(p.Y, box.Y, box.Y + box.H));
        Assert.True(lm[0].X < lm[1].X, "first eye is on the image's left");
        Assert.True(lm[3].Y > lm[2].Y && lm[4].Y > lm[2].Y, "mouth corners are below the nose");
        Assert.InRange(face.Quality, 0.5f, 1f);
        Assert.NotNull(face.Embedding);
        Assert.Equal(1f, face.Embedding!.Sum(v => v * v), 3);
        Assert.InRange(face.Age!.Value, 15f, 80f);
        Assert.Equal("male", face.Gender);
    }

    private int Count(string relative) => fixture.Require.Analyze(File.ReadAllBytes(SharedData.PathOf(relative)), new(false, false, false)).Faces.Count;
}
