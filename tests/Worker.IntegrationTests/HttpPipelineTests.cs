using System.Net.Http.Json;
using System.Text.Json;
using FaceAspire.Core.Contracts;
using FaceAspire.Testing;
using FaceAspire.Worker.IntegrationTests.Support;

namespace FaceAspire.Worker.IntegrationTests;

/// <summary>
/// The whole pipeline through HTTP: the Api process (POST /api/frames → frame + outbox row → AnalyzeFrame sent by
/// its outbox relay) and worker processes, all on one database and vhost.
/// </summary>
public sealed class HttpPipelineTests(PipelineFixture fx) : IClassFixture<PipelineFixture>
{
    [Fact]
    public async Task PostedTrainingPhotosMakeFivePersonsAndTheGroupPhotoLinksObamaAndBiden()
    {
        var (http, _) = await fx.StartApiAsync();
        await fx.StartWorkerAsync("worker-1", concurrency: 1);
        await fx.StartWorkerAsync("worker-2", concurrency: 1);

        var folderOf = new Dictionary<Guid, string>();
        foreach (var dir in Directory.GetDirectories(TestFrames.KnnTrain).Order(StringComparer.Ordinal))
        {
            foreach (var photo in TestFrames.PhotosUnder(dir))
                folderOf[await PipelineFixture.PostAsync(http, await File.ReadAllBytesAsync(photo))] = Path.GetFileName(dir);
        }
        Assert.Equal(9, folderOf.Count);
        await fx.WaitSettledAsync(folderOf.Keys, TimeSpan.FromMinutes(2));
        Assert.Equal(9, (await fx.StatusCountsAsync(folderOf.Keys)).GetValueOrDefault(FrameStatus.Done));
        Assert.Equal(5L, await fx.ScalarAsync<long>("SELECT count(*) FROM persons"));
        var personOf = new Dictionary<string, Guid>();
        foreach (var group in folderOf.GroupBy(kv => kv.Value))
        {
            var persons = await PersonsOfAsync(group.Select(kv => kv.Key).ToArray());
            Assert.True(persons.Count == 1, $"{group.Key}: {persons.Count} persons");
            personOf[group.Key] = persons[0];
        }
        Assert.Equal(5, personOf.Values.Distinct().Count());

        // The same bytes again: same frame, nothing new.
        var again = await PipelineFixture.PostAsync(http, await File.ReadAllBytesAsync(TestFrames.PhotosUnder(Path.Combine(TestFrames.KnnTrain, "obama"))[0]));
        Assert.Contains(again, folderOf.Keys);

        var group2 = await PipelineFixture.PostAsync(http, await File.ReadAllBytesAsync(TestFrames.KnnTest("obama_and_biden.jpg")));
        await fx.WaitSettledAsync([group2], TimeSpan.FromMinutes(1));
        var frame = await http.GetFromJsonAsync<JsonElement>($"/api/frames/{group2}");
        Assert.Equal("done", frame.GetProperty("status").GetString());
        var persons2 = await PersonsOfAsync([group2], distinct: false);
        // A third real face (a girl, lower right) is also detected; Obama and Biden get exactly one face each.
        Assert.Equal(1, persons2.Count(p => p == personOf["obama"]));
        Assert.Equal(1, persons2.Count(p => p == personOf["biden"]));
        Assert.Equal(11L + (persons2.Count - 2), await fx.ScalarAsync<long>("SELECT count(*) FROM faces"));
    }

    private async Task<List<Guid>> PersonsOfAsync(Guid[] frameIds, bool distinct = true)
    {
        await using var command = fx.AppDataSource.CreateCommand(
            distinct ? "SELECT DISTINCT person_id FROM faces WHERE frame_id = ANY(@ids)" : "SELECT person_id FROM faces WHERE frame_id = ANY(@ids)");
        command.Parameters.AddWithValue("ids", frameIds);
        var list = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            list.Add(reader.GetGuid(0));
        return list;
    }
}
