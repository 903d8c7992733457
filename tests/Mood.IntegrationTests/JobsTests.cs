using System.Net;
using System.Text.Json;
using FaceAspire.Core.Identity;
using FaceAspire.Mood.IntegrationTests.Support;
using FaceAspire.Worker.IntegrationTests.Support;
using Microsoft.EntityFrameworkCore;

namespace FaceAspire.Mood.IntegrationTests;

/// <summary>Maintenance jobs requested over the Api and run by a worker process, on real faces.</summary>
public sealed class JobsTests(JobsTests.Fixture fx) : IClassFixture<JobsTests.Fixture>
{
    /// <summary>One worker (jobs run one at a time anyway).</summary>
    public sealed class Fixture : SystemFixture
    {
        /// <inheritdoc />
        protected override int WorkerCount => 1;
    }

    private async Task<JsonElement> RunJobAsync(string kind, object? parameters = null)
    {
        var content = parameters is null ? null : Images.Json(parameters);
        var accepted = await Images.ExpectAsync(await fx.Client.PostAsync($"api/jobs/{kind}", content), HttpStatusCode.Accepted);
        return await WaitJobAsync(fx, accepted.GetProperty("id").GetGuid());
    }

    /// <summary>Polls <c>GET /api/jobs/{id}</c> until the job is done (fails the test if it fails or takes over 3 min).</summary>
    internal static async Task<JsonElement> WaitJobAsync(SystemFixture fx, Guid id)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var job = await Images.ExpectAsync(await fx.Client.GetAsync($"api/jobs/{id}"), HttpStatusCode.OK);
            var status = job.GetProperty("status").GetString();
            if (status == "done")
                return job;
            Assert.True(status != "failed", job.ToString());
            Assert.True(DateTime.UtcNow < deadline, $"job still {status}: {job}\n{fx.Diagnostics()}");
            await Task.Delay(200);
        }
    }

    private async Task<Guid> EnrolAsync(string name, params byte[][] images)
    {
        var form = Images.Form(name, [.. images.Select((b, i) => ($"{name}-{i}.jpg", b))]);
        return (await Images.ExpectAsync(await fx.Client.PostAsync("api/persons", form), HttpStatusCode.Created)).GetProperty("id").GetGuid();
    }

    private async Task<int> AuditCountAsync(string action) =>
        (int)await fx.ScalarAsync<long>("SELECT count(*) FROM audit_log WHERE action = @a", ("a", action));

    [Fact]
    public async Task ReclusterProposesMergingAPersonSplitInTwoButNeverMergesItself()
    {
        var biden = Images.BidenTrain.Select(File.ReadAllBytes).ToList();
        var webcam = TestFrames.Webcam640(Images.Shared("identities/face_recognition/biden.jpg"), 5)!;
        // One Biden enrolled with three photos, then one face split out by hand into "Biden A": a person split in two.
        var b = await EnrolAsync("Biden B", biden[0], biden[1], webcam);
        var firstFace = await fx.ScalarAsync<Guid>("SELECT id FROM faces WHERE person_id = @p ORDER BY id LIMIT 1", ("p", b));
        var editor = new Core.Identity.PersonEditor(fx.AppDataSource);
        var a = await editor.MoveFacesAsync([firstFace], null, "test");
        await editor.RenameAsync(a, "Biden A", "test");
        var obama = await EnrolAsync("Obama", Images.Shared("identities/face_recognition/knn_examples/train/obama/obama.jpg"),
            Images.Shared("identities/face_recognition/knn_examples/train/obama/obama2.jpg"));

        var job = await RunJobAsync("recluster");
        Assert.True(job.GetProperty("result").GetProperty("suggestions").GetInt32() >= 1, job.ToString());
        await using var command = fx.AppDataSource.CreateCommand("SELECT target_person_id, source_person_id, similarity FROM merge_suggestions WHERE status = 'open'");
        var suggestions = new List<(Guid Target, Guid Source, float Similarity)>();
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync())
                suggestions.Add((reader.GetGuid(0), reader.GetGuid(1), reader.GetFloat(2)));
        var pair = Assert.Single(suggestions, s => new[] { s.Target, s.Source }.Order().SequenceEqual(new[] { a, b }.Order()));
        Assert.Equal(b, pair.Target); // both named: the one with more faces in the cluster is kept
        Assert.True(pair.Similarity >= 0.36f);
        Assert.DoesNotContain(suggestions, s => s.Target == obama || s.Source == obama);
        // Nothing was rewritten.
        Assert.Equal(1L, await fx.ScalarAsync<long>("SELECT count(*) FROM faces WHERE person_id = @p", ("p", a)));
        Assert.True(await AuditCountAsync("job.recluster.done") >= 1);

        // A second run does not repeat an open suggestion.
        var again = await RunJobAsync("recluster");
        Assert.Equal(0, again.GetProperty("result").GetProperty("suggestions").GetInt32());
    }

    [Fact]
    public async Task AWorkerThatFindsFacesOfAnotherModelReembedsThemAndTheyKeepTheirPersons()
    {
        var kit = await EnrolAsync("Kit", Images.Shared("identities/face_recognition/knn_examples/train/kit_harington/john1.jpeg"),
            Images.Shared("identities/face_recognition/knn_examples/train/kit_harington/john2.jpeg"));
        var rose = await EnrolAsync("Rose", Images.Shared("identities/face_recognition/knn_examples/train/rose_leslie/img1.jpg"));
        var before = await EmbeddingsAsync();
        var model = (string)before.Values.First().Model;
        // Pretend the stored vectors came from an older model: another tag and a scrambled vector.
        await using (var context = fx.CreateDbContext())
        {
            foreach (var (id, (_, _, embedding)) in before)
                Assert.True(await FaceStore.ReplaceEmbeddingAsync(context, id, [.. embedding.Select(v => -v)], "old_model@000000000000"));
        }

        // Matching compares only vectors of the same model: Kit is now unknown to identify.
        var probe = TestFrames.Webcam640(Images.Shared("identities/face_recognition/knn_examples/train/kit_harington/john1.jpeg"), 2)!;
        Assert.Equal("unknown", (await IdentifyAsync(probe)).GetProperty("identity").GetString());

        var worker = await fx.StartWorkerAsync("worker-restarted", 1); // a (re)started worker checks the model tags
        await worker.WaitForOutputAsync("re-embedding job", TimeSpan.FromSeconds(60));
        var jobId = await fx.ScalarAsync<Guid>("SELECT id FROM jobs WHERE kind = 'reembed' ORDER BY created_at DESC LIMIT 1");
        var job = await WaitJobAsync(fx, jobId);
        Assert.Equal(before.Count, job.GetProperty("result").GetProperty("reembedded").GetInt32());
        Assert.Equal(job.GetProperty("total").GetInt32(), job.GetProperty("done").GetInt32());

        var after = await EmbeddingsAsync();
        foreach (var (id, (person, mv, embedding)) in before)
        {
            Assert.Equal(person, after[id].Person);
            Assert.Equal(model, after[id].Model);
            var cosine = embedding.Zip(after[id].Embedding, (x, y) => x * y).Sum();
            Assert.True(cosine > 0.99, $"face {id}: cosine {cosine} to its original vector");
        }
        var identified = await IdentifyAsync(probe);
        Assert.Equal(kit, identified.GetProperty("person").GetProperty("personId").GetGuid());
        Assert.NotEqual(rose, kit);
    }

    [Fact]
    public async Task RetentionDeletesOldEmotionRowsAndCropsOnly()
    {
        var frames = new List<Guid>();
        foreach (var photo in new[] { "identities/face_recognition/obama-480p.jpg", "identities/face_recognition/knn_examples/train/rose_leslie/img2.jpg" })
            frames.Add(await fx.IngestAsync(Images.Shared(photo)));
        await fx.WaitSettledAsync(frames, TimeSpan.FromMinutes(1));
        await using (var age = fx.AppDataSource.CreateCommand("""
            UPDATE emotions SET captured_at = now() - interval '400 days' WHERE frame_id = @old;
            UPDATE faces SET captured_at = now() - interval '400 days' WHERE frame_id = @old;
            """))
        {
            age.Parameters.AddWithValue("old", frames[0]);
            await age.ExecuteNonQueryAsync();
        }
        Assert.True(await fx.ScalarAsync<long>("SELECT count(*) FROM faces WHERE frame_id = @f AND crop IS NOT NULL", ("f", frames[0])) > 0);

        var job = await RunJobAsync("retention", new { emotionDays = 30, cropDays = 60 });
        var result = job.GetProperty("result");
        Assert.True(result.GetProperty("emotionsDeleted").GetInt32() >= 1, result.ToString());
        Assert.Equal(0L, await fx.ScalarAsync<long>("SELECT count(*) FROM emotions WHERE frame_id = @f", ("f", frames[0])));
        Assert.True(await fx.ScalarAsync<long>("SELECT count(*) FROM emotions WHERE frame_id = @f", ("f", frames[1])) > 0);
        Assert.Equal(0L, await fx.ScalarAsync<long>("SELECT count(*) FROM faces WHERE frame_id = @f AND crop IS NOT NULL", ("f", frames[0])));
        Assert.True(await fx.ScalarAsync<long>("SELECT count(*) FROM faces WHERE frame_id = @f AND crop IS NOT NULL", ("f", frames[1])) > 0);
        Assert.True(await fx.ScalarAsync<long>("SELECT count(*) FROM faces WHERE frame_id = @f", ("f", frames[0])) > 0); // faces stay
        Assert.True(await AuditCountAsync("job.request") >= 1);

        var bad = await Images.ExpectAsync(await fx.Client.PostAsync("api/jobs/retention", Images.Json(new { emotionDays = -1 })), HttpStatusCode.Accepted);
        var failed = await WaitFailedAsync(bad.GetProperty("id").GetGuid());
        Assert.Equal("failed", failed.GetProperty("status").GetString());
        Assert.Contains("emotionDays", failed.GetProperty("error").GetString());
        await Images.ExpectAsync(await fx.Client.PostAsync("api/jobs/defragment", null), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task ReindexRebuildsTheVectorIndex()
    {
        var job = await RunJobAsync("reindex");
        Assert.Equal("ix_faces_embedding_hnsw", job.GetProperty("result").GetProperty("index").GetString());
        Assert.Equal(100.0, job.GetProperty("percent").GetDouble());
        Assert.True(await fx.ScalarAsync<bool>("SELECT indisvalid FROM pg_index WHERE indexrelid = 'ix_faces_embedding_hnsw'::regclass"));

        // The same from the CLI: it follows the progress and prints the result.
        await using var cli = SystemFixture.StartProcess("cli", "Cli", ["jobs", "run", "reindex", "--api", fx.ApiUrl.ToString(), "--key", fx.ApiKey],
            new Dictionary<string, string>());
        Assert.True(await cli.WaitForExitAsync(TimeSpan.FromMinutes(2)) == 0, cli.Tail());
        Assert.Contains(cli.Lines, l => l.StartsWith("result:") && l.Contains("ix_faces_embedding_hnsw"));
    }

    private async Task<JsonElement> WaitFailedAsync(Guid id)
    {
        for (var i = 0; i < 300; i++)
        {
            var job = await Images.ExpectAsync(await fx.Client.GetAsync($"api/jobs/{id}"), HttpStatusCode.OK);
            if (job.GetProperty("status").GetString() is "failed" or "done")
                return job;
            await Task.Delay(200);
        }
        throw new TimeoutException($"job {id} did not finish");
    }

    private async Task<JsonElement> IdentifyAsync(byte[] image)
    {
        var body = await Images.ExpectAsync(await fx.Client.PostAsync("api/identify", Images.Form(null, ("probe.jpg", image))), HttpStatusCode.OK);
        return body.GetProperty("faces")[0];
    }

    private async Task<Dictionary<Guid, (Guid? Person, string Model, float[] Embedding)>> EmbeddingsAsync()
    {
        await using var context = fx.CreateDbContext();
        return await context.Faces.Where(f => f.Source == "enrolment")
            .ToDictionaryAsync(f => f.Id, f => (f.PersonId, f.ModelVersion, f.Embedding.ToArray()));
    }
}
