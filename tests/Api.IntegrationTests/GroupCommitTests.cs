using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using FaceAspire.Api.Ingest;
using FaceAspire.Core.Data;
using FaceAspire.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceAspire.Api.IntegrationTests;

/// <summary>
/// The ingest group commit (<see cref="IngestGroupCommit"/>) on a real database: images queued together are written
/// by one statement, each keeps its own frame and outbox row, and one image the database refuses fails alone.
/// Images are queued before the writer starts, so they are one batch whatever the machine's speed.
/// </summary>
public sealed class GroupCommitTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    private static IngestItem Item(byte[] content, string source = "group-commit", string? metadata = null) =>
        new(content, "image/jpeg", source, DateTimeOffset.UtcNow, metadata);

    private IngestGroupCommit NewGroupCommit() =>
        new(db.AppDataSource, new FrameIngest(db.AppDataSource, FaceAspire.Testing.TestEncryption.Sealer), Options.Create(new ApiOptions { IngestWriters = 1 }), NullLogger<IngestGroupCommit>.Instance);

    private async Task<long> CountAsync(string sql)
    {
        await using var command = db.AppDataSource.CreateCommand(sql);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task ImagesQueuedTogetherAreOneStatementAndEachKeepsItsFrameAndOutboxRowInOrder()
    {
        var commits = new List<int>();
        var batched = 0;
        // Read before the listener exists: the source's constructor asks every listener about itself, and a listener
        // that reads IngestService.Activities then would see it still null (NullReferenceException inside the type
        // initializer, failing every later ingest of this test process).
        var source = IngestService.Activities.Name;
        using var testSource = new ActivitySource(nameof(GroupCommitTests));
        // The listener is process-wide and other test classes ingest in parallel: count only the commits in or linked
        // to this test's trace, which every item below captures when it is created (a commit's span sits in its
        // first frame's trace and links the others).
        ActivityTraceId? testTrace = null;
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == source || s.Name == testSource.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = a =>
            {
                if (a.OperationName == "ingest commit" && (a.TraceId == testTrace || a.Links.Any(l => l.Context.TraceId == testTrace)))
                    lock (commits) commits.Add((int)a.GetTagItem("faceaspire.frames")!);
                if (a.OperationName == "ingest commit (batched)" && a.TraceId == testTrace)
                    Interlocked.Increment(ref batched);
            },
        };
        ActivitySource.AddActivityListener(listener);
        var distinct = Enumerable.Range(0, 20).Select(i => Photos.Variant(Photos.Obama, $"batch-{i}")).ToList();
        var copy = Photos.Variant(Photos.Couple, "batch-copy");
        List<IngestItem> items;
        using (var request = testSource.StartActivity("requests")!)
        {
            testTrace = request.TraceId;
            items = distinct.Select(p => Item(p)).Concat(Enumerable.Range(0, 3).Select(_ => Item(copy))).ToList();
        }
        var groupCommit = NewGroupCommit();
        var writes = items.Select(i => groupCommit.AcceptAsync(i, CancellationToken.None)).ToList();

        await groupCommit.StartAsync(CancellationToken.None);
        var results = await Task.WhenAll(writes).WaitAsync(TimeSpan.FromSeconds(30));
        await groupCommit.StopAsync(CancellationToken.None);

        Assert.Equal([items.Count], commits);
        Assert.Equal(items.Count - 1, batched); // every other frame's trace shows the commit it shared
        Assert.Equal(21, results.Select(r => r.FrameId).Distinct().Count());
        Assert.All(results[..20], r => Assert.True(r.Created));
        Assert.Single(results[20..].Select(r => r.FrameId).Distinct());
        Assert.Equal([true, false, false], results[20..].Select(r => r.Created));
        for (var i = 0; i < 20; i++)
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(distinct[i])), results[i].Sha256);
        Assert.Equal(21, await CountAsync("SELECT count(*) FROM frames WHERE source = 'group-commit'"));
        Assert.Equal(21, await CountAsync("SELECT count(*) FROM frame_images i JOIN frames f ON f.id = i.frame_id WHERE f.source = 'group-commit'"));

        // One AnalyzeFrame per new frame, in the order the images were queued (the outbox id is the dispatch order).
        var queued = new List<Guid>();
        await using (var command = db.AppDataSource.CreateCommand("SELECT body::text FROM outbox_messages ORDER BY id"))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                queued.Add(JsonDocument.Parse(reader.GetString(0)).RootElement.GetProperty("frameId").GetGuid());
        var ours = results.Select(r => r.FrameId).ToHashSet();
        Assert.Equal(results[..21].Select(r => r.FrameId), queued.Where(ours.Contains));
    }

    [Fact]
    public async Task AnImageTheDatabaseRefusesFailsAloneAndTheRestOfItsBatchIsStored()
    {
        // jsonb refuses \u0000 (SQLSTATE 22P05): the one statement of the batch fails, then each image is written alone.
        var good = Enumerable.Range(0, 5).Select(i => Item(Photos.Variant(Photos.Biden, $"isolated-{i}"), "isolation")).ToList();
        var bad = Item(Photos.Variant(Photos.Biden, "refused"), "isolation", """{"note": "\u0000"}""");
        var groupCommit = NewGroupCommit();
        var writes = good.Take(2).Append(bad).Concat(good.Skip(2)).Select(i => groupCommit.AcceptAsync(i, CancellationToken.None)).ToList();

        await groupCommit.StartAsync(CancellationToken.None);
        await Task.WhenAny(Task.WhenAll(writes), Task.Delay(TimeSpan.FromSeconds(30)));
        await groupCommit.StopAsync(CancellationToken.None);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => writes[2]);
        Assert.Equal("22P05", refused.SqlState);
        foreach (var write in writes.Where((_, i) => i != 2))
            Assert.True((await write).Created);
        var shas = good.Select(i => Convert.ToHexStringLower(SHA256.HashData(i.Content))).ToArray();
        await using var command = db.AppDataSource.CreateCommand("SELECT count(*) FROM frames WHERE sha256 = ANY(@s)");
        command.Parameters.AddWithValue("s", shas);
        Assert.Equal(5L, (long)(await command.ExecuteScalarAsync())!);
        Assert.Equal(0L, await CountAsync($"SELECT count(*) FROM frames WHERE sha256 = '{Convert.ToHexStringLower(SHA256.HashData(bad.Content))}'"));
    }
}
