using FaceAspire.Core.Messaging;
using FaceAspire.Core.Contracts;
using FaceAspire.Core.Data;
using FaceAspire.Core.Identity;
using FaceAspire.Testing;

namespace FaceAspire.Core.IntegrationTests;

public sealed class FrameWriterTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    private const string Model = "fr_feature@87aacdfe5751";

    private FrameWriter Writer() => new(db.AppDataSource, TestData.Matcher());

    private Task<long> CountAsync(string table, Guid frameId) =>
        TestData.ScalarAsync(db.AppDataSource, $"SELECT count(*) FROM {table} WHERE frame_id = @f", ("f", frameId));

    // The result events of a frame waiting in the outbox (every contract but the AnalyzeFrame command), in id order.
    private List<object> OutboxEvents(Guid frameId)
    {
        using var context = db.CreateDbContext();
        return context.OutboxMessages.Where(m => m.MessageType != typeof(AnalyzeFrame).FullName).OrderBy(m => m.Id).AsEnumerable()
            .Select(OutboxWriter.Deserialize)
            .Where(m => m is FrameAnalyzed a && a.FrameId == frameId || m is FaceRecognized r && r.FrameId == frameId).ToList();
    }

    [Fact]
    public async Task PostingTheSameBytesTwiceCreatesOneFrameAndOneOutboxMessage()
    {
        var ingest = new FrameIngest(db.AppDataSource, FaceAspire.Testing.TestEncryption.Sealer);
        var bytes = Guid.NewGuid().ToByteArray();
        var capturedAt = new DateTimeOffset(2026, 11, 22, 9, 30, 0, TimeSpan.FromHours(2));
        var first = await ingest.AcceptAsync(bytes, "image/jpeg", "door", capturedAt, """{"exposure": 0.01}""");
        var again = await ingest.AcceptAsync(bytes, "image/jpeg", "door", capturedAt, null);
        Assert.True(first.Created);
        Assert.False(again.Created);
        Assert.Equal(first.FrameId, again.FrameId);
        Assert.Equal(FrameStatus.Queued, again.Status);

        await using var context = db.CreateDbContext();
        var outbox = context.OutboxMessages.Where(m => m.MessageType == typeof(AnalyzeFrame).FullName).AsEnumerable()
            .Select(OutboxWriter.Deserialize).OfType<AnalyzeFrame>().Where(m => m.FrameId == first.FrameId).ToList();
        var message = Assert.Single(outbox);
        Assert.Equal(new AnalyzeFrame(first.FrameId, first.Sha256, "door", capturedAt), message);
        Assert.Equal(capturedAt, context.Frames.Single(f => f.Id == first.FrameId).CapturedAt);
    }

    [Fact]
    public async Task ConcurrentPostsOfTheSameBytesStoreOneFrameImageAndMessage()
    {
        var ingest = new FrameIngest(db.AppDataSource, FaceAspire.Testing.TestEncryption.Sealer);
        var bytes = Guid.NewGuid().ToByteArray();
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => ingest.AcceptAsync(bytes, "image/jpeg", "door", DateTimeOffset.UtcNow, null))));
        var created = Assert.Single(results, r => r.Created);
        Assert.All(results, r => Assert.Equal(created.FrameId, r.FrameId));
        Assert.Equal(1, await CountAsync("frame_images", created.FrameId));
        Assert.Equal(1, await TestData.ScalarAsync(db.AppDataSource,
            "SELECT count(*) FROM outbox_messages WHERE body->>'frameId' = @f", ("f", created.FrameId.ToString())));
    }

    [Fact]
    public async Task AFailedAcceptStoresNothing()
    {
        var ingest = new FrameIngest(db.AppDataSource, FaceAspire.Testing.TestEncryption.Sealer);
        var bytes = Guid.NewGuid().ToByteArray();
        // Invalid jsonb fails the one statement after the frame row was inserted: all of it is rolled back.
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => ingest.AcceptAsync(bytes, "image/jpeg", null, DateTimeOffset.UtcNow, "{not json"));
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        Assert.Equal(0, await TestData.ScalarAsync(db.AppDataSource, "SELECT count(*) FROM frames WHERE sha256 = @s", ("s", sha)));
        var retried = await ingest.AcceptAsync(bytes, "image/jpeg", null, DateTimeOffset.UtcNow, null);
        Assert.True(retried.Created);
        Assert.Equal(1, await CountAsync("frame_images", retried.FrameId));
    }

    [Fact]
    public async Task ClaimReturnsTheBytesAndCountsAttempts()
    {
        var bytes = Guid.NewGuid().ToByteArray();
        var ingest = await new FrameIngest(db.AppDataSource, FaceAspire.Testing.TestEncryption.Sealer).AcceptAsync(bytes, "image/png", null, DateTimeOffset.UtcNow, null);
        var writer = Writer();
        var claim = await writer.ClaimAsync(ingest.FrameId);
        Assert.Equal((FrameStatus.Queued, 1, "image/png"), (claim!.Status, claim.Attempts, claim.ContentType));
        // The claim hands over the stored (sealed) bytes; the worker opens them.
        Assert.True(FaceAspire.Core.Security.ImageSealer.IsSealed(claim.Content));
        Assert.Equal(bytes, FaceAspire.Testing.TestEncryption.Sealer.Open(claim.Content, FaceAspire.Core.Security.SealedColumns.FrameContent));
        var again = await writer.ClaimAsync(ingest.FrameId);
        Assert.Equal((FrameStatus.Processing, 2), (again!.Status, again.Attempts));
        Assert.Null(await writer.ClaimAsync(Guid.NewGuid()));

        var failed = await writer.FailAsync(ingest.FrameId, "image could not be decoded");
        Assert.Equal((FrameStatus.Failed, "image could not be decoded", 0), (failed.Status, failed.Error, failed.Faces.Count));
        // Its event waits in the outbox, written in the transaction that failed the frame.
        var analyzed = Assert.IsType<FrameAnalyzed>(Assert.Single(OutboxEvents(ingest.FrameId)));
        Assert.Equal((FrameStatus.Failed, "image could not be decoded", 0), (analyzed.Status, analyzed.Error, analyzed.FaceCount));
    }

    [Fact]
    public async Task FailingADoneFrameChangesNothingAndAnnouncesNothing()
    {
        var frameId = await TestData.InsertFrameAsync(db.AppDataSource);
        var writer = Writer();
        await writer.WriteAsync(frameId, 100, 100, Model, [TestData.Face(TestData.RandomUnit(new Random(45)))]);
        var before = OutboxEvents(frameId).Count;

        var result = await writer.FailAsync(frameId, "too late");
        Assert.Equal((FrameStatus.Done, (string?)null, 1), (result.Status, result.Error, result.Faces.Count));
        Assert.Equal(2, before);
        Assert.Equal(before, OutboxEvents(frameId).Count);
    }

    [Fact]
    public async Task WritingTheSameFrameTwiceStoresItsRowsOnce()
    {
        var rng = new Random(42);
        var frameId = await TestData.InsertFrameAsync(db.AppDataSource, "hall");
        FaceObservation[] faces = [TestData.Face(TestData.RandomUnit(rng), 0.7f, "happy", x: 5), TestData.Face(TestData.RandomUnit(rng), 0.6f, "sad", x: 300)];
        var writer = Writer();

        var first = await writer.WriteAsync(frameId, 640, 480, Model, faces);
        var second = await writer.WriteAsync(frameId, 640, 480, Model, faces);

        Assert.False(first.Replayed);
        Assert.True(second.Replayed);
        Assert.Equal(first.Faces, second.Faces);
        Assert.Equal(first.FaceEvents, second.FaceEvents);
        Assert.Equal(first.ToMessage().Faces, second.ToMessage().Faces);
        Assert.Equal(2, await CountAsync("faces", frameId));
        Assert.Equal(2, await CountAsync("emotions", frameId));
        Assert.Equal(2, await TestData.ScalarAsync(db.AppDataSource,
            "SELECT sum(face_count) FROM persons WHERE id IN (SELECT person_id FROM faces WHERE frame_id = @f)", ("f", frameId)));

        var message = first.ToMessage();
        // The events were written once, with the result: FrameAnalyzed, then one FaceRecognized per face.
        var events = OutboxEvents(frameId);
        Assert.Equal(3, events.Count);
        var analyzed = Assert.IsType<FrameAnalyzed>(events[0]);
        Assert.Equal((message.FrameId, message.Status, message.FaceCount, message.CapturedAt, message.Source),
            (analyzed.FrameId, analyzed.Status, analyzed.FaceCount, analyzed.CapturedAt, analyzed.Source));
        Assert.Equal(message.Faces, analyzed.Faces);
        Assert.Equal(first.FaceEvents, events.Skip(1).Cast<FaceRecognized>());
        Assert.Equal((FrameStatus.Done, 2, "hall"), (message.Status, message.FaceCount, message.Source));
        Assert.Equal(["happy", "sad"], message.Faces.Select(f => f.Emotion));
        Assert.Equal([5f, 300f], message.Faces.Select(f => f.X));
        Assert.All(message.Faces, f => Assert.True(f.NewPerson));
        await using var context = db.CreateDbContext();
        var frame = context.Frames.Single(f => f.Id == frameId);
        Assert.Equal((FrameStatus.Done, 640, 480), (frame.Status, frame.Width, frame.Height));
        var emotion = context.Emotions.Single(e => e.FaceId == message.Faces[0].FaceId);
        Assert.Equal((0.7f, 0.05f, "hall", "female", 31.5f), (emotion.Happy, emotion.Sad, emotion.Source, emotion.Gender, emotion.Age));
    }

    [Fact]
    public async Task TwoConcurrentDeliveriesOfOneFrameStoreItOnce()
    {
        var rng = new Random(43);
        var frameId = await TestData.InsertFrameAsync(db.AppDataSource);
        FaceObservation[] faces = [TestData.Face(TestData.RandomUnit(rng)), TestData.Face(TestData.RandomUnit(rng)), TestData.Face(TestData.RandomUnit(rng))];
        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => Writer().WriteAsync(frameId, 100, 100, Model, faces))));
        Assert.Single(results, r => r.Replayed);
        Assert.Equal(results[0].Faces, results[1].Faces);
        Assert.Equal(3, await CountAsync("faces", frameId));
        Assert.Equal(3, await CountAsync("emotions", frameId));
    }

    [Fact]
    public async Task ASecondFrameOfTheSamePeopleMatchesThem()
    {
        var rng = new Random(44);
        var (a, b) = (TestData.RandomUnit(rng), TestData.RandomUnit(rng));
        var writer = Writer();
        var first = await writer.WriteAsync(await TestData.InsertFrameAsync(db.AppDataSource), 100, 100, Model,
            [TestData.Face(a), TestData.Face(b)]);
        var second = await writer.WriteAsync(await TestData.InsertFrameAsync(db.AppDataSource), 100, 100, Model,
            [TestData.Face(TestData.Noisy(b, 0.3, rng)), TestData.Face(TestData.Noisy(a, 0.3, rng)), TestData.Face(TestData.RandomUnit(rng))]);
        Assert.Equal([first.Faces[1].PersonId, first.Faces[0].PersonId], second.Faces.Take(2).Select(f => f.PersonId));
        Assert.Equal([false, false, true], second.Faces.Select(f => f.NewPerson));
    }

    [Fact]
    public async Task APersonMergedAwayBetweenTheSearchAndTheInsertIsDecidedAgainNotSentToTheErrorQueue()
    {
        var rng = new Random(46);
        var e = TestData.RandomUnit(rng);
        var writer = Writer();
        var source = (await writer.WriteAsync(await TestData.InsertFrameAsync(db.AppDataSource), 100, 100, Model, [TestData.Face(e)])).Faces[0].PersonId!.Value;
        var target = (await writer.WriteAsync(await TestData.InsertFrameAsync(db.AppDataSource), 100, 100, Model,
            [TestData.Face(TestData.RandomUnit(rng))])).Faces[0].PersonId!.Value;

        // A merge (PersonMerger's statements: move the faces, delete the source) is under way, not yet committed ...
        await using var merge = await db.AppDataSource.OpenConnectionAsync();
        await using var mergeTransaction = await merge.BeginTransactionAsync();
        await using (var statements = new Npgsql.NpgsqlCommand(
            "UPDATE faces SET person_id = @t WHERE person_id = @s; DELETE FROM persons WHERE id = @s", merge, mergeTransaction))
        {
            statements.Parameters.AddWithValue("s", source);
            statements.Parameters.AddWithValue("t", target);
            await statements.ExecuteNonQueryAsync();
        }
        // ... when a frame of the source's face is written: its search still sees the source, and the face's INSERT
        // waits for the merge's row lock on that person.
        var frame = await TestData.InsertFrameAsync(db.AppDataSource);
        var write = writer.WriteAsync(frame, 100, 100, Model, [TestData.Face(TestData.Noisy(e, 0.3, rng))]);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await TestData.ScalarAsync(db.AppDataSource, 
            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE NOT l.granted AND a.datname = current_database()") == 0)
        {
            Assert.True(DateTime.UtcNow < deadline && !write.IsCompleted, "the write never waited for the merge");
            await Task.Delay(10);
        }
        await mergeTransaction.CommitAsync();

        var result = await write; // the foreign key violation is retried: the new search sees the merged faces
        Assert.Equal(target, result.Faces[0].PersonId);
        Assert.False(result.Faces[0].NewPerson);
    }

    [Fact]
    public async Task TwoFacesOfOneFrameAreNeverOnePersonEvenWhenAlike()
    {
        // Cannot-link: the third face is a near copy of the first, and its search sees the first (one batch carries the
        // previous face's INSERT and the next search), yet one photo cannot show one person twice.
        var rng = new Random(45);
        var a = TestData.RandomUnit(rng);
        var result = await Writer().WriteAsync(await TestData.InsertFrameAsync(db.AppDataSource), 100, 100, Model,
            [TestData.Face(a), TestData.Face(TestData.RandomUnit(rng)), TestData.Face(TestData.Noisy(a, 0.3, rng))]);

        Assert.Equal([true, true, true], result.Faces.Select(f => f.NewPerson));
        Assert.Equal(3, result.Faces.Select(f => f.PersonId).Distinct().Count());

        // A later frame with the same face goes to the first person, the best match that is allowed.
        var later = await Writer().WriteAsync(await TestData.InsertFrameAsync(db.AppDataSource), 100, 100, Model,
            [TestData.Face(TestData.Noisy(a, 0.1, rng))]);
        Assert.Contains(later.Faces[0].PersonId, new[] { result.Faces[0].PersonId, result.Faces[2].PersonId });
    }

    [Fact]
    public async Task AFaceUnderTheGateIsStoredUnidentifiedWithItsEmotionAndNoPerson()
    {
        var rng = new Random(46);
        var small = TestData.Face(TestData.RandomUnit(rng)) with { Landmarks = [10, 10, 18, 10, 14, 14, 11, 17, 17, 17] }; // IOD 8 px
        var frameId = await TestData.InsertFrameAsync(db.AppDataSource);
        var result = await Writer().WriteAsync(frameId, 100, 100, Model, [small]);

        Assert.Null(Assert.Single(result.Faces).PersonId);
        Assert.Empty(result.FaceEvents);
        Assert.Equal(1, await TestData.ScalarAsync(db.AppDataSource,
            "SELECT count(*) FROM faces WHERE frame_id = @f AND identity_state = 'unidentified' AND person_id IS NULL AND recognisability < 0.5", ("f", frameId)));
        Assert.Equal(1, await TestData.ScalarAsync(db.AppDataSource,
            "SELECT count(*) FROM emotions WHERE frame_id = @f AND person_id IS NULL", ("f", frameId)));

        // The same small face again: an unidentified face is never a neighbour, so it cannot link anything either.
        var again = await Writer().WriteAsync(await TestData.InsertFrameAsync(db.AppDataSource), 100, 100, Model, [small]);
        Assert.Null(again.Faces[0].PersonId);
    }

    [Fact]
    public async Task AnUnknownFrameOrAMalformedFaceIsRejected()
    {
        var writer = Writer();
        await Assert.ThrowsAsync<KeyNotFoundException>(() => writer.WriteAsync(Guid.NewGuid(), 1, 1, Model, []));
        var bad = TestData.Face(TestData.RandomUnit(new Random(1))) with { EmotionScores = new float[6] };
        var frameId = await TestData.InsertFrameAsync(db.AppDataSource);
        await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteAsync(frameId, 1, 1, Model, [bad]));
        Assert.Equal(0, await CountAsync("faces", frameId));
    }
}
