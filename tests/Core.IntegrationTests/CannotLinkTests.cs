using FaceAspire.Core.Identity;
using FaceAspire.Testing;

namespace FaceAspire.Core.IntegrationTests;

/// <summary>Cannot-link outside the matcher: two persons that hold faces of one photo are never merged or suggested.</summary>
public sealed class CannotLinkTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    private const string Model = "fr_feature@cannot-link";

    [Fact]
    public async Task PersonsSharingAPhotoAreNeitherMergedNorSuggestedWhileLookAlikesOfOtherPhotosAre()
    {
        var rng = new Random(401);
        var e = TestData.RandomUnit(rng);
        var writer = new FrameWriter(db.AppDataSource, TestData.Matcher());
        // One photo with two near-identical faces (twins): two persons by cannot-link.
        var twins = await writer.WriteAsync(await TestData.InsertFrameAsync(db.AppDataSource), 100, 100, Model,
            [TestData.Face(TestData.Noisy(e, 0.3, rng)), TestData.Face(TestData.Noisy(e, 0.3, rng), x: 200)]);
        var (a, b) = (twins.Faces[0].PersonId!.Value, twins.Faces[1].PersonId!.Value);
        Assert.NotEqual(a, b);

        var merger = new PersonMerger(db.AppDataSource);
        var refused = await Assert.ThrowsAsync<PersonsShareFramesException>(() => merger.MergeAsync(b, a, "test"));
        Assert.Equal(twins.FrameId, Assert.Single(refused.SharedFrameIds));
        Assert.Equal(1, await TestData.ScalarAsync(db.AppDataSource, "SELECT count(*) FROM faces WHERE person_id = @p", ("p", b)));

        var suggestions = await new MergeSuggestions(db.AppDataSource).FindAsync(minSimilarity: 0.36f);
        Assert.DoesNotContain(suggestions, s => new[] { s.PersonA, s.PersonB }.Order().SequenceEqual(new[] { a, b }.Order()));
    }
}
