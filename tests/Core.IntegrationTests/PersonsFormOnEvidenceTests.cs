using FaceAspire.Core.Identity;
using FaceAspire.Testing;

namespace FaceAspire.Core.IntegrationTests;

/// <summary>
/// The recognisability gate and the deferred path (ADR 0027): a recognisable but weak face without a match waits
/// (deferred) until enough close faces of other photos arrive or a person it matches appears; a face under the gate never
/// gets a person and never links two faces.
/// </summary>
public sealed class PersonsFormOnEvidenceTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    private const string Model = "fr_feature@evidence";

    // Quality 0.55 with eyes 40 px apart: recognisability 0.55, over the gate (0.5), under NewPersonRecognisability (0.6).
    private static FaceObservation Weak(float[] e) => TestData.Face(e, quality: 0.55f);

    private FrameWriter Writer() => new(db.AppDataSource, TestData.Matcher());

    private async Task<FrameResult> WriteAsync(params FaceObservation[] faces) =>
        await Writer().WriteAsync(await TestData.InsertFrameAsync(db.AppDataSource), 100, 100, Model, faces);

    private Task<long> StateCountAsync(Guid faceId, string state) =>
        TestData.ScalarAsync(db.AppDataSource, "SELECT count(*) FROM faces WHERE id = @id AND identity_state = @s", ("id", faceId), ("s", state));

    [Fact]
    public async Task WeakFacesWaitUntilMinClusterFacesOfDistinctPhotosAgreeThenFormOnePerson()
    {
        var rng = new Random(301);
        var e = TestData.RandomUnit(rng);
        var first = await WriteAsync(Weak(TestData.Noisy(e, 0.3, rng)));
        var second = await WriteAsync(Weak(TestData.Noisy(e, 0.3, rng)));
        Assert.Null(first.Faces[0].PersonId);
        Assert.Null(second.Faces[0].PersonId);
        Assert.Equal(1, await StateCountAsync(first.Faces[0].FaceId, "deferred"));

        // The third close face from a third photo: a core point (MinClusterFaces = 3). One person holds all three.
        var third = await WriteAsync(Weak(TestData.Noisy(e, 0.3, rng)));
        var person = third.Faces[0].PersonId!.Value;
        Assert.True(third.Faces[0].NewPerson);
        Assert.Equal(3, await TestData.ScalarAsync(db.AppDataSource,
            "SELECT count(*) FROM faces WHERE person_id = @p AND identity_state = 'assigned'", ("p", person)));
        Assert.Equal(3, await TestData.ScalarAsync(db.AppDataSource, "SELECT face_count FROM persons WHERE id = @p", ("p", person)));
        Assert.Equal(3, await TestData.ScalarAsync(db.AppDataSource, "SELECT count(*) FROM emotions WHERE person_id = @p", ("p", person)));
    }

    [Fact]
    public async Task WeakFacesOfOnePhotoNeverFormAPersonTogether()
    {
        var rng = new Random(302);
        var e = TestData.RandomUnit(rng);
        // Three near-identical weak faces in ONE photo (a crowd of look-alikes): cannot-link keeps them apart.
        var crowd = await WriteAsync(Weak(TestData.Noisy(e, 0.3, rng)), Weak(TestData.Noisy(e, 0.3, rng)), Weak(TestData.Noisy(e, 0.3, rng)));
        Assert.All(crowd.Faces, f => Assert.Null(f.PersonId));
    }

    [Fact]
    public async Task ADeferredFaceJoinsThePersonThatAppearsLaterWhenRetried()
    {
        var rng = new Random(303);
        var e = TestData.RandomUnit(rng);
        var waiting = await WriteAsync(Weak(TestData.Noisy(e, 0.3, rng)));
        // A strong face of the same person opens a person at once (live cameras need an id now).
        var strong = await WriteAsync(TestData.Face(TestData.Noisy(e, 0.3, rng), quality: 0.9f));
        var person = strong.Faces[0].PersonId!.Value;

        var matcher = TestData.Matcher();
        var retry = await new DeferredFaces(db.AppDataSource, matcher, new FaceStore(Microsoft.Extensions.Options.Options.Create(matcher.Options)))
            .RetryAsync(Model);
        Assert.True(retry.Joined >= 1);
        Assert.Equal(person, await PersonOfAsync(waiting.Faces[0].FaceId));
        Assert.Equal(2, await TestData.ScalarAsync(db.AppDataSource, "SELECT face_count FROM persons WHERE id = @p", ("p", person)));
    }

    [Fact]
    public async Task AFaceUnderTheGateNeverBridgesTwoPersons()
    {
        var rng = new Random(304);
        var (a, b) = (TestData.RandomUnit(rng), TestData.RandomUnit(rng));
        var pa = (await WriteAsync(TestData.Face(a, quality: 0.9f))).Faces[0].PersonId;
        // A blurry face halfway between a and b: stored, unidentified, not a neighbour of anyone afterwards.
        var mid = TestData.Normalise([.. a.Zip(b, (x, y) => x + y)]);
        var blurry = await WriteAsync(TestData.Face(mid, quality: 0.3f));
        Assert.Null(blurry.Faces[0].PersonId);
        Assert.Equal(1, await StateCountAsync(blurry.Faces[0].FaceId, "unidentified"));
        var pb = (await WriteAsync(TestData.Face(b, quality: 0.9f))).Faces[0].PersonId;
        Assert.NotEqual(pa, pb);
    }

    private async Task<Guid?> PersonOfAsync(Guid faceId)
    {
        await using var command = db.AppDataSource.CreateCommand("SELECT person_id FROM faces WHERE id = @id");
        command.Parameters.AddWithValue("id", faceId);
        return await command.ExecuteScalarAsync() as Guid?;
    }
}
