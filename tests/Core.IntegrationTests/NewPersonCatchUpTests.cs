using System.Data;
using FaceAspire.Core.Identity;
using FaceAspire.Testing;
using Npgsql;

namespace FaceAspire.Core.IntegrationTests;

/// <summary>
/// The new-person path's catch-up (ADR 0012): the re-search runs outside the lock with a snapshot, and under the lock
/// only the faces that snapshot could not see are compared. Each race is staged in order on two connections, so the
/// interleaving the design must survive is the one that runs, every time.
/// </summary>
public sealed class NewPersonCatchUpTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    private const string Model = "fr_feature@test";
    private readonly IdentityMatcher _matcher = TestData.Matcher();

    private async Task<FaceOrigin> NewOriginAsync(string model = Model) =>
        new(await TestData.InsertFrameAsync(db.AppDataSource), DateTimeOffset.UtcNow, "cam-1", model);

    [Fact]
    public async Task APersonCreatedBetweenTheReSearchAndTheLockIsFoundNotCreatedTwice()
    {
        var e = TestData.RandomUnit(new Random(31));
        FaceAssignment? other = null;
        var decided = await DecideWithAWriterBetweenAsync(e, async () =>
        {
            // Another worker sees the same new face, creates its person and commits before this one takes the lock.
            other = await _matcher.AssignAsync(TestData.Face(TestData.Noisy(e, 0.3, new Random(32))), await NewOriginAsync(), db.AppDataSource);
            Assert.True(other.NewPerson);
        });
        Assert.False(decided.NewPerson);
        Assert.Equal(other!.PersonId, decided.PersonId);
    }

    [Fact]
    public async Task AFaceReEmbeddedIntoTheModelAfterTheReSearchIsFound()
    {
        var e = TestData.RandomUnit(new Random(41));
        // The only similar face is of another model, so the re-search finds nobody ...
        var old = await _matcher.AssignAsync(TestData.Face(e), await NewOriginAsync("old_model@000000000000"), db.AppDataSource);
        var decided = await DecideWithAWriterBetweenAsync(e, async () =>
        {
            // ... until the re-embedding job moves that face to this model (as Worker/Jobs/ReembedJob does) and commits.
            await using var context = db.CreateDbContext();
            Assert.True(await FaceStore.ReplaceEmbeddingAsync(context, old.FaceId, e, Model));
        });
        Assert.False(decided.NewPerson);
        Assert.Equal(old.PersonId, decided.PersonId);
    }

    /// <summary>
    /// The new-person path for a face of <paramref name="e"/> in a transaction of its own, with
    /// <paramref name="betweenReSearchAndLock"/> run and committed on other connections after the re-search (which
    /// must find nobody) and before <see cref="IdentityMatcher.CreateUnlessFoundAsync"/> takes the lock.
    /// </summary>
    private async Task<FaceAssignment> DecideWithAWriterBetweenAsync(float[] e, Func<Task> betweenReSearchAndLock)
    {
        var origin = await NewOriginAsync();
        await using var connection = await db.AppDataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted);
        var again = await _matcher.SearchAgainAsync(TestData.Face(e), Model, connection, transaction);
        Assert.Null(_matcher.Vote(again.Neighbours));
        await betweenReSearchAndLock();
        return await _matcher.CreateUnlessFoundAsync(TestData.Face(e), origin, again, connection, transaction);
    }

    [Fact]
    public async Task WrittenSinceReturnsOnlyFacesTheSnapshotCouldNotSeeWithExactDistances()
    {
        var e = TestData.RandomUnit(new Random(51));
        var before = await _matcher.AssignAsync(TestData.Face(e), await NewOriginAsync(), db.AppDataSource);
        var snapshot = await SnapshotAsync();
        var rng = new Random(52);
        var near = TestData.Noisy(e, 0.5, rng);
        var after = await _matcher.AssignAsync(TestData.Face(near), await NewOriginAsync(), db.AppDataSource);

        // A writer that began after the first snapshot and was still in progress when the second was taken.
        var slowFace = TestData.Noisy(e, 0.6, rng);
        await using var slowConnection = await db.AppDataSource.OpenConnectionAsync();
        await using var slow = await slowConnection.BeginTransactionAsync(IsolationLevel.ReadCommitted);
        var inProgress = await _matcher.AssignAsync(TestData.Face(slowFace), await NewOriginAsync(), slowConnection, slow);
        var whileSlowRuns = await SnapshotAsync();
        await _matcher.UpdatePersonsAsync([inProgress], slowConnection, slow);
        await slow.CommitAsync();

        Assert.Equal(new[] { after.FaceId, inProgress.FaceId }.Order(), (await WrittenSinceAsync(e, snapshot)).Select(n => n.FaceId).Order());
        // The second snapshot saw `before` and `after` committed; the slow writer's id is in its in-progress list.
        var caught = Assert.Single(await WrittenSinceAsync(e, whileSlowRuns));
        Assert.Equal(inProgress.FaceId, caught.FaceId);
        Assert.Equal(TestData.Cosine(e, slowFace), caught.Similarity, 4);
    }

    private async Task<string> SnapshotAsync()
    {
        await using var connection = await db.AppDataSource.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { FaceStore.SnapshotCommand() } };
        return (string)(await batch.ExecuteScalarAsync())!;
    }

    private async Task<IReadOnlyList<Neighbour>> WrittenSinceAsync(float[] e, string snapshot)
    {
        await using var connection = await db.AppDataSource.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { FaceStore.WrittenSinceCommand(e, 10, snapshot, Model) } };
        await using var reader = await batch.ExecuteReaderAsync();
        return await FaceStore.ReadNeighboursAsync(reader);
    }
}
