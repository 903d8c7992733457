using FaceAspire.Core.Identity;
using FaceAspire.Testing;

namespace FaceAspire.Core.IntegrationTests;

/// <summary>
/// <see cref="PersonEditor"/>'s cannot-link rule for moves (two faces of one photo are never one person) and deleting
/// a person while keeping its faces. Persons are made by the editor itself (a face split into a new person), so the
/// tests do not depend on how the matcher forms persons.
/// </summary>
public sealed class PersonEditorTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    private const string Actor = "test";
    private PersonEditor Editor => new(db.AppDataSource);

    /// <summary>A frame with two faces of different random identities, each split into a person of its own.</summary>
    private async Task<(Guid Frame, Guid[] Faces, Guid[] Persons)> TwoPersonsInOnePhotoAsync(int seed)
    {
        var rng = new Random(seed);
        var frame = await TestData.InsertFrameAsync(db.AppDataSource);
        var result = await new FrameWriter(db.AppDataSource, TestData.Matcher()).WriteAsync(frame, 640, 480, "fr_feature@test",
            [TestData.Face(TestData.RandomUnit(rng), x: 10), TestData.Face(TestData.RandomUnit(rng), x: 300)]);
        var faces = result.Faces.Select(f => f.FaceId).ToArray();
        var persons = new Guid[faces.Length];
        for (var i = 0; i < faces.Length; i++)
            persons[i] = await Editor.MoveFacesAsync([faces[i]], null, Actor);
        return (frame, faces, persons);
    }

    private Task<long> CountAsync(string sql, Guid id) => TestData.ScalarAsync(db.AppDataSource, sql, ("id", id));

    [Fact]
    public async Task MovingAFaceOntoThePersonOfAnotherFaceOfItsPhotoIsRefusedAndNothingMoves()
    {
        var (frame, faces, persons) = await TwoPersonsInOnePhotoAsync(71);
        var refused = await Assert.ThrowsAsync<FacesShareFramesException>(() => Editor.MoveFacesAsync([faces[0]], persons[1], Actor));
        Assert.Equal([frame], refused.SharedFrameIds);
        Assert.Equal(persons[1], refused.TargetPersonId);
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM faces WHERE person_id = @id", persons[0]));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM audit_log WHERE action = 'person.move' AND subject = @id::text", persons[1]));
    }

    [Fact]
    public async Task SplittingTwoFacesOfOnePhotoIntoOneNewPersonIsRefusedAndNoPersonIsLeftBehind()
    {
        var (frame, faces, _) = await TwoPersonsInOnePhotoAsync(72);
        var before = await TestData.ScalarAsync(db.AppDataSource, "SELECT count(*) FROM persons");
        var refused = await Assert.ThrowsAsync<FacesShareFramesException>(() => Editor.MoveFacesAsync(faces, null, Actor));
        Assert.Equal([frame], refused.SharedFrameIds);
        Assert.Null(refused.TargetPersonId);
        Assert.Equal(before, await TestData.ScalarAsync(db.AppDataSource, "SELECT count(*) FROM persons"));
    }

    [Fact]
    public async Task DeletingAPersonKeepingItsFacesLeavesThemUnassignedWithTheirEmotionRows()
    {
        var (_, faces, persons) = await TwoPersonsInOnePhotoAsync(73);
        Assert.Equal(1, await Editor.DeleteAsync(persons[0], keepFaces: true, Actor));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM persons WHERE id = @id", persons[0]));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM faces WHERE id = @id AND person_id IS NULL AND identity_state = 'unassigned'", faces[0]));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM emotions WHERE face_id = @id AND person_id IS NULL", faces[0]));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM audit_log WHERE action = 'person.delete' AND subject = @id::text", persons[0]));
        // The kept face can be given a person again; the other face of its photo still blocks its person.
        await Assert.ThrowsAsync<FacesShareFramesException>(() => Editor.MoveFacesAsync([faces[0]], persons[1], Actor));
        Assert.NotEqual(Guid.Empty, await Editor.MoveFacesAsync([faces[0]], null, Actor));
    }
}
