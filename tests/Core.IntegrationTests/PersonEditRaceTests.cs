using FaceAspire.Core.Identity;
using FaceAspire.Testing;
using Npgsql;

namespace FaceAspire.Core.IntegrationTests;

/// <summary>
/// An operator's edit (Admin) while a worker is writing a face of the same person. The worker's transaction is
/// stopped, in order, right after its INSERT of that face: the frame's second face is a new person, and the test holds
/// the new-person lock, so <see cref="FrameWriter"/> waits there holding an uncommitted face (and, through its foreign
/// key, a KEY SHARE lock on the person). The edit then runs; the lock is released; both must finish, and the counters
/// must equal what the faces say.
/// </summary>
public sealed class PersonEditRaceTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    private const string Model = "fr_feature@test";
    private const string Actor = "test";

    private FrameWriter Writer() => new(db.AppDataSource, TestData.Matcher());

    [Fact]
    public async Task AMergeWaitsForAFaceOfTheSourceBeingWrittenWithoutHoldingUpTheWorkerAndTakesItAlong()
    {
        var rng = new Random(61);
        var (source, sourceFace) = await NewPersonAsync(rng);
        var (target, _) = await NewPersonAsync(rng);

        var (write, release) = await WriteStoppedAfterTheFirstFaceAsync(TestData.Noisy(sourceFace, 0.3, rng), rng);
        // The merge's later step (locking the target) is held back, to show that the worker finishes first: a merge
        // that started after the worker's face must not hold the worker up (it used to lock the source without
        // waiting, block the worker's counter update, then wait for the worker at its DELETE: a deadlock).
        var releaseTarget = await HoldLockAsync("SELECT id FROM persons WHERE id = @id FOR SHARE", target);
        var merge = new PersonMerger(db.AppDataSource).MergeAsync(source, target, Actor);
        await WaitForLockWaitersAsync(merge, "l.locktype IN ('transactionid', 'tuple')");
        await release();

        var result = await write.WaitAsync(TimeSpan.FromSeconds(30));
        await releaseTarget();
        await merge;
        Assert.Equal(source, result.Faces[0].PersonId);
        Assert.Equal(target, await PersonOfAsync(result.Faces[0].FaceId)); // taken along by the merge
        Assert.Equal(0, await TestData.ScalarAsync(db.AppDataSource, "SELECT count(*) FROM persons WHERE id = @p", ("p", source)));
        Assert.Equal(3, await FaceCountAsync(target));
        await AssertCountersMatchTheFacesAsync();
    }

    [Fact]
    public async Task ADeleteWaitsForAFaceOfThePersonBeingWrittenWithoutHoldingUpTheWorkerAndErasesItToo()
    {
        var rng = new Random(62);
        var (person, face) = await NewPersonAsync(rng);
        var stored = Assert.Single(await IdsAsync("SELECT id FROM faces WHERE person_id = @p", person));

        var (write, release) = await WriteStoppedAfterTheFirstFaceAsync(TestData.Noisy(face, 0.3, rng), rng);
        // As above: the delete's later step (erasing the stored face) is held back until the worker has finished.
        var releaseStoredFace = await HoldLockAsync("SELECT id FROM faces WHERE id = @id FOR NO KEY UPDATE", stored);
        var delete = new PersonEditor(db.AppDataSource).DeleteAsync(person, Actor);
        await WaitForLockWaitersAsync(delete, "l.locktype IN ('transactionid', 'tuple')");
        await release();

        var result = await write.WaitAsync(TimeSpan.FromSeconds(30));
        await releaseStoredFace();
        Assert.Equal(2, await delete); // the face committed meanwhile is erased with the person: nothing of it is left
        Assert.Equal(person, result.Faces[0].PersonId);
        Assert.Equal(0, await TestData.ScalarAsync(db.AppDataSource,
            "SELECT count(*) FROM faces WHERE id = @f OR person_id = @p", ("f", result.Faces[0].FaceId), ("p", person)));
        Assert.Equal(0, await TestData.ScalarAsync(db.AppDataSource, "SELECT count(*) FROM emotions WHERE person_id = @p", ("p", person)));
        await AssertCountersMatchTheFacesAsync();
    }

    [Fact]
    public async Task MovingFacesAwayWhileAFaceIsBeingWrittenKeepsEveryCounterExact()
    {
        // The move does not wait (it takes no lock the worker's INSERT holds) and recomputes the counters without the
        // uncommitted face; the worker's increment, applied after, must add it.
        var rng = new Random(63);
        var (person, face) = await NewPersonAsync(rng);
        var (other, _) = await NewPersonAsync(rng);
        var moved = await IdsAsync("SELECT id FROM faces WHERE person_id = @p", person);
        Assert.Single(moved);

        var (write, release) = await WriteStoppedAfterTheFirstFaceAsync(TestData.Noisy(face, 0.3, rng), rng);
        await new PersonEditor(db.AppDataSource).MoveFacesAsync(moved, other, Actor);
        await release();

        var result = await write;
        Assert.Equal(person, result.Faces[0].PersonId);
        Assert.Equal(1, await FaceCountAsync(person));
        Assert.Equal(2, await FaceCountAsync(other));
        await AssertCountersMatchTheFacesAsync();
    }

    [Fact]
    public async Task TwoOperatorsMergingTwoPersonsIntoEachOtherGetOneMergeAndOneClearError()
    {
        var rng = new Random(64);
        var (a, _) = await NewPersonAsync(rng);
        var (b, _) = await NewPersonAsync(rng);

        // Staged so that each merge holds its source and waits for the other's, every time: this transaction holds b
        // FOR SHARE, so "b into a" waits for it at its first lock and is first in b's queue; "a into b" locks a, then
        // queues on b behind it. Once released, "b into a" locks b and waits for a: a deadlock. Its victim is run
        // again and finds its person merged away.
        var releaseB = await HoldLockAsync("SELECT id FROM persons WHERE id = @id FOR SHARE", b);
        var merger = new PersonMerger(db.AppDataSource);
        var bIntoA = merger.MergeAsync(b, a, Actor);
        await WaitForLockWaitersAsync(bIntoA);
        var aIntoB = merger.MergeAsync(a, b, Actor);
        await WaitForLockWaitersAsync(aIntoB, sessions: 2);
        await releaseB();

        var outcomes = await Task.WhenAll(Outcome(aIntoB), Outcome(bIntoA));
        Assert.Equal(["KeyNotFoundException", "merged"], outcomes.Order());
        Assert.Equal(1, await TestData.ScalarAsync(db.AppDataSource, "SELECT count(*) FROM persons WHERE id = ANY(@ids)", ("ids", new[] { a, b })));
        await AssertCountersMatchTheFacesAsync();

        static async Task<string> Outcome(Task<long> merge)
        {
            try
            {
                await merge;
                return "merged";
            }
            catch (Exception e)
            {
                return e.GetType().Name;
            }
        }
    }

    private async Task<(Guid Person, float[] Embedding)> NewPersonAsync(Random rng)
    {
        var e = TestData.RandomUnit(rng);
        var result = await Writer().WriteAsync(await TestData.InsertFrameAsync(db.AppDataSource), 100, 100, Model, [TestData.Face(e)]);
        return (result.Faces[0].PersonId!.Value, e);
    }

    /// <summary>
    /// Starts writing a frame of two faces: <paramref name="known"/> (matches a stored person) and a brand-new one.
    /// Returns once the write has inserted the first face and waits for the new-person lock, which this method holds
    /// until <c>release</c> is called.
    /// </summary>
    private async Task<(Task<FrameResult> Write, Func<Task> Release)> WriteStoppedAfterTheFirstFaceAsync(float[] known, Random rng)
    {
        var release = await HoldLockAsync("SELECT pg_advisory_xact_lock(@id)", IdentityMatcher.NewPersonLockKey);
        var frame = await TestData.InsertFrameAsync(db.AppDataSource);
        var write = Writer().WriteAsync(frame, 100, 100, Model, [TestData.Face(known), TestData.Face(TestData.RandomUnit(rng), x: 90)]);
        await WaitForLockWaitersAsync(write, "l.locktype = 'advisory'");
        return (write, release);
    }

    /// <summary>Runs <paramref name="sql"/> (with <c>@id</c>) in a transaction left open; the result commits it.</summary>
    private async Task<Func<Task>> HoldLockAsync(string sql, object id)
    {
        var holder = await db.AppDataSource.OpenConnectionAsync();
        var transaction = await holder.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand(sql, holder, transaction))
        {
            command.Parameters.AddWithValue("id", id);
            await command.ExecuteNonQueryAsync();
        }
        return async () =>
        {
            await transaction.CommitAsync();
            await holder.DisposeAsync();
        };
    }

    /// <summary>
    /// Waits until <paramref name="sessions"/> sessions of this database wait for a lock matching
    /// <paramref name="lockFilter"/> (SQL over <c>pg_locks l</c>); fails if <paramref name="running"/> ends first.
    /// </summary>
    private async Task WaitForLockWaitersAsync(Task running, string lockFilter = "true", int sessions = 1)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await TestData.ScalarAsync(db.AppDataSource, $"""
            SELECT count(DISTINCT l.pid) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE NOT l.granted AND a.datname = current_database() AND {lockFilter}
            """) < sessions)
        {
            if (running.IsCompleted)
                await running; // surfaces its exception
            Assert.True(DateTime.UtcNow < deadline && !running.IsCompleted, $"never {sessions} sessions waiting for {lockFilter}");
            await Task.Delay(10);
        }
    }

    private async Task AssertCountersMatchTheFacesAsync() =>
        Assert.Equal(0, await TestData.ScalarAsync(db.AppDataSource, """
            SELECT count(*) FROM persons p
            WHERE p.face_count <> (SELECT count(*) FROM faces f WHERE f.person_id = p.id)
               OR (p.cover_face_id IS NOT NULL) <> EXISTS (SELECT 1 FROM faces f WHERE f.person_id = p.id)
               OR NOT EXISTS (SELECT 1 FROM faces f WHERE f.id = p.cover_face_id AND f.person_id = p.id) AND p.cover_face_id IS NOT NULL
            """));

    private Task<long> FaceCountAsync(Guid person) =>
        TestData.ScalarAsync(db.AppDataSource, "SELECT face_count FROM persons WHERE id = @p", ("p", person));

    private async Task<Guid?> PersonOfAsync(Guid face)
    {
        await using var command = db.AppDataSource.CreateCommand("SELECT person_id FROM faces WHERE id = @f");
        command.Parameters.AddWithValue("f", face);
        return await command.ExecuteScalarAsync() as Guid?;
    }

    private async Task<List<Guid>> IdsAsync(string sql, Guid person)
    {
        await using var command = db.AppDataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("p", person);
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            ids.Add(reader.GetGuid(0));
        return ids;
    }
}
