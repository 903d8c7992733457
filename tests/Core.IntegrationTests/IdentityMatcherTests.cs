using FaceAspire.Core.Identity;
using FaceAspire.Testing;
using Npgsql;

namespace FaceAspire.Core.IntegrationTests;

public sealed class IdentityMatcherTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    private readonly IdentityMatcher _matcher = TestData.Matcher();

    private async Task<FaceOrigin> NewOriginAsync(DateTimeOffset? capturedAt = null) =>
        new(await TestData.InsertFrameAsync(db.AppDataSource), capturedAt ?? DateTimeOffset.UtcNow, "cam-1", "fr_feature@test");

    [Fact]
    public async Task TheSameEmbeddingTwiceIsOnePerson()
    {
        var e = TestData.RandomUnit(new Random(1));
        var first = await _matcher.AssignAsync(TestData.Face(e), await NewOriginAsync(), db.AppDataSource);
        var second = await _matcher.AssignAsync(TestData.Face(e), await NewOriginAsync(), db.AppDataSource);
        Assert.True(first.NewPerson);
        Assert.False(second.NewPerson);
        Assert.Equal(first.PersonId, second.PersonId);
        Assert.Equal(1f, second.Similarity!.Value, 4);
        Assert.Equal(2, await FaceCountAsync(first.PersonId!.Value));
    }

    [Fact]
    public async Task OrthogonalEmbeddingsAreTwoPersons()
    {
        var a = new float[512];
        var b = new float[512];
        a[0] = 1;
        b[1] = 1;
        var first = await _matcher.AssignAsync(TestData.Face(a), await NewOriginAsync(), db.AppDataSource);
        var second = await _matcher.AssignAsync(TestData.Face(b), await NewOriginAsync(), db.AppDataSource);
        Assert.True(first.NewPerson);
        Assert.True(second.NewPerson);
        Assert.NotEqual(first.PersonId, second.PersonId);
    }

    [Fact]
    public async Task OneFaceAloneLinksOnlyAboveTheSingleLinkThresholdTwoFacesAboveTheMatchThreshold()
    {
        var rng = new Random(5);
        var e = TestData.RandomUnit(rng);
        var first = await _matcher.AssignAsync(TestData.Face(e), await NewOriginAsync(), db.AppDataSource);
        // Mix e with a random orthogonal direction to reach an exact cosine: cos = c.
        var strong = await _matcher.AssignAsync(TestData.Face(Mix(e, TestData.RandomUnit(rng), 0.45)), await NewOriginAsync(), db.AppDataSource);
        Assert.Equal(first.PersonId, strong.PersonId); // one face at 0.45 ≥ SingleLinkThreshold 0.42

        var other = TestData.RandomUnit(rng);
        var lone = await _matcher.AssignAsync(TestData.Face(other), await NewOriginAsync(), db.AppDataSource);
        var weakLink = await _matcher.AssignAsync(TestData.Face(Mix(other, TestData.RandomUnit(rng), 0.38)), await NewOriginAsync(), db.AppDataSource);
        Assert.NotEqual(lone.PersonId, weakLink.PersonId); // one face at 0.38: no chaining on a single weak link

        // A second face of the first person, then a face at 0.40 to both: two votes suffice.
        var copy = await _matcher.AssignAsync(TestData.Face(TestData.Noisy(e, 0.05, rng)), await NewOriginAsync(), db.AppDataSource);
        Assert.Equal(first.PersonId, copy.PersonId);
        var twoVotes = await _matcher.AssignAsync(TestData.Face(Mix(e, TestData.RandomUnit(rng), 0.40)), await NewOriginAsync(), db.AppDataSource);
        Assert.Equal(first.PersonId, twoVotes.PersonId);
        var below = await _matcher.AssignAsync(TestData.Face(Mix(e, TestData.RandomUnit(rng), 0.30)), await NewOriginAsync(), db.AppDataSource);
        Assert.NotEqual(first.PersonId, below.PersonId);
    }

    [Fact]
    public async Task TwentyConcurrentAssignmentsOfOneNewFaceCreateExactlyOnePerson()
    {
        var rng = new Random(20);
        var e = TestData.RandomUnit(rng);
        var copies = Enumerable.Range(0, 20).Select(_ => TestData.Noisy(e, 0.3, rng)).ToList();
        var origins = new List<FaceOrigin>();
        foreach (var _ in copies)
            origins.Add(await NewOriginAsync());

        // Separate connections, released together: every call's first search finds nothing.
        using var start = new ManualResetEventSlim();
        var tasks = copies.Select((c, i) => Task.Run(async () =>
        {
            start.Wait();
            return await _matcher.AssignAsync(TestData.Face(c), origins[i], db.AppDataSource);
        })).ToList();
        start.Set();
        var assignments = await Task.WhenAll(tasks);

        var person = Assert.Single(assignments.Select(a => a.PersonId).Distinct())!.Value;
        Assert.Single(assignments, a => a.NewPerson);
        Assert.Equal(20, await FaceCountAsync(person));
        Assert.Equal(20, await TestData.ScalarAsync(db.AppDataSource, "SELECT count(*) FROM faces WHERE person_id = @p", ("p", person)));
    }

    [Fact]
    public async Task TheCoverFaceIsReplacedOnlyByABetterQualityFace()
    {
        var rng = new Random(3);
        var e = TestData.RandomUnit(rng);
        var now = DateTimeOffset.UtcNow.AddMinutes(-10);
        var t0 = new DateTimeOffset(now.Ticks - now.Ticks % 10, TimeSpan.Zero); // PostgreSQL keeps microseconds
        var a = await _matcher.AssignAsync(TestData.Face(e, quality: 0.7f), await NewOriginAsync(t0), db.AppDataSource);
        Assert.Equal((a.FaceId, 0.7f, 1, t0), await PersonAsync(a.PersonId!.Value));

        var worse = await _matcher.AssignAsync(TestData.Face(TestData.Noisy(e, 0.3, rng), quality: 0.65f), await NewOriginAsync(t0.AddMinutes(2)), db.AppDataSource);
        Assert.Equal(a.PersonId, worse.PersonId);
        Assert.Equal((a.FaceId, 0.7f, 2, t0.AddMinutes(2)), await PersonAsync(a.PersonId!.Value));

        // An older frame arriving late does not move last_seen back.
        var better = await _matcher.AssignAsync(TestData.Face(TestData.Noisy(e, 0.3, rng), quality: 0.9f), await NewOriginAsync(t0.AddMinutes(1)), db.AppDataSource);
        Assert.Equal(a.PersonId, better.PersonId);
        Assert.Equal((better.FaceId, 0.9f, 3, t0.AddMinutes(2)), await PersonAsync(a.PersonId!.Value));
    }

    [Fact]
    public void TheVoteSumsSimilaritiesPerPersonAndIgnoresFacesBelowTheThreshold()
    {
        Guid p = Guid.NewGuid(), q = Guid.NewGuid();
        // q has the single best neighbour, p has more mass; 0.30 is below the threshold and does not count.
        var vote = _matcher.Vote([new(Guid.NewGuid(), q, 0.2f), new(Guid.NewGuid(), p, 0.4f), new(Guid.NewGuid(), p, 0.45f),
            new(Guid.NewGuid(), q, 0.7f), new(Guid.NewGuid(), null, 0.0f)]);
        Assert.Equal(p, vote!.Value.PersonId);
        Assert.Equal(0.6f, vote.Value.BestSimilarity, 5);
        Assert.Null(_matcher.Vote([new(Guid.NewGuid(), p, 0.65f), new(Guid.NewGuid(), null, 0.01f)]));
    }

    [Fact]
    public async Task OnlyTheNewPersonReSearchUsesTheLargerSearchList()
    {
        var matcher = TestData.Matcher(new IdentityOptions { EfSearch = 40, NewPersonEfSearch = 300 });
        var e = TestData.RandomUnit(new Random(31));
        await using var connection = await db.AppDataSource.OpenConnectionAsync();

        // Unknown face: no vote, so the matcher searched again under the lock, with NewPersonEfSearch.
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var created = await matcher.AssignAsync(TestData.Face(e), await NewOriginAsync(), connection, transaction);
            Assert.True(created.NewPerson);
            Assert.Equal("300", await EfSearchAsync(connection, transaction));
            await transaction.CommitAsync();
        }
        // The same face again: the first search votes, no second search.
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var matched = await matcher.AssignAsync(TestData.Face(e), await NewOriginAsync(), connection, transaction);
            Assert.False(matched.NewPerson);
            Assert.Equal("40", await EfSearchAsync(connection, transaction));
            await transaction.CommitAsync();
        }
    }

    private static async Task<string?> EfSearchAsync(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        await using var show = new NpgsqlCommand("SHOW hnsw.ef_search", connection, transaction);
        return (string?)await show.ExecuteScalarAsync();
    }

    [Fact]
    public async Task ARepeatableReadTransactionIsRefused()
    {
        await using var connection = await db.AppDataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _matcher.AssignAsync(TestData.Face(TestData.RandomUnit(new Random(9))), new FaceOrigin(Guid.NewGuid(), DateTimeOffset.UtcNow, null, "m"),
                connection, transaction));
    }

    private static float[] Mix(float[] e, float[] r, double cos)
    {
        // Gram-Schmidt: u ⟂ e, then cos·e + sin·u has cosine exactly cos with e.
        var dot = e.Zip(r, (x, y) => (double)x * y).Sum();
        var u = r.Select((y, i) => y - dot * e[i]).ToArray();
        var n = Math.Sqrt(u.Sum(x => x * x));
        var sin = Math.Sqrt(1 - cos * cos);
        return e.Select((x, i) => (float)(cos * x + sin * u[i] / n)).ToArray();
    }

    private Task<long> FaceCountAsync(Guid person) =>
        TestData.ScalarAsync(db.AppDataSource, "SELECT face_count FROM persons WHERE id = @p", ("p", person));

    private async Task<(Guid? Cover, float? Best, int Count, DateTimeOffset LastSeen)> PersonAsync(Guid person)
    {
        await using var command = db.AppDataSource.CreateCommand("SELECT cover_face_id, best_quality, face_count, last_seen FROM persons WHERE id = @p");
        command.Parameters.AddWithValue("p", person);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return (reader.GetGuid(0), reader.GetFloat(1), reader.GetInt32(2), reader.GetFieldValue<DateTimeOffset>(3));
    }
}
