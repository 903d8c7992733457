using FaceAspire.Worker.IntegrationTests.Support;

namespace FaceAspire.Worker.IntegrationTests;

/// <summary>The knn_examples set end to end: every training photo → one person per folder; the group photo → both.</summary>
public sealed class KnnIdentityTests(PipelineFixture fx) : IClassFixture<PipelineFixture>
{
    [Fact]
    public async Task TrainingPhotosMakeFivePersonsAndTheGroupPhotoLinksObamaAndBiden()
    {
        await fx.StartWorkerAsync("worker-1", concurrency: 2);
        var folderOf = new Dictionary<Guid, string>();
        foreach (var dir in Directory.GetDirectories(TestFrames.KnnTrain).Order(StringComparer.Ordinal))
        {
            foreach (var photo in TestFrames.PhotosUnder(dir))
                folderOf[await fx.IngestAsync(await File.ReadAllBytesAsync(photo), Path.GetFileName(dir))] = Path.GetFileName(dir);
        }
        Assert.Equal(9, folderOf.Count);
        await fx.WaitSettledAsync(folderOf.Keys, TimeSpan.FromMinutes(2));
        Assert.Equal(9, (await fx.StatusCountsAsync(folderOf.Keys)).GetValueOrDefault("done"));

        var faces = await FacesAsync();
        Assert.Equal(5L, await fx.ScalarAsync<long>("SELECT count(*) FROM persons"));
        var personOfFolder = new Dictionary<string, Guid>();
        foreach (var group in folderOf.GroupBy(kv => kv.Value))
        {
            var frames = group.Select(kv => kv.Key).ToHashSet();
            // Every photo of the folder has a face, and all its faces belong to one person.
            Assert.All(frames, f => Assert.Contains(faces, x => x.FrameId == f));
            var persons = faces.Where(x => frames.Contains(x.FrameId)).Select(x => x.PersonId).Distinct().ToList();
            Assert.True(persons.Count == 1, $"{group.Key}: faces spread over {persons.Count} persons");
            personOfFolder[group.Key] = persons[0];
            // ... and that person holds nothing else.
            Assert.All(faces.Where(x => x.PersonId == persons[0]), x => Assert.Contains(x.FrameId, frames));
        }
        Assert.Equal(5, personOfFolder.Values.Distinct().Count());
        Assert.Equal((long)faces.Count, await fx.ScalarAsync<long>("SELECT sum(face_count)::bigint FROM persons"));

        var group2 = await fx.IngestAsync(await File.ReadAllBytesAsync(TestFrames.KnnTest("obama_and_biden.jpg")), "test");
        await fx.WaitSettledAsync([group2], TimeSpan.FromMinutes(1));
        var groupFaces = (await FacesAsync()).Where(x => x.FrameId == group2).ToList();
        // The photo holds a third, real face (a girl at the lower right, ~140 px wide, detector score 0.90) that
        // face_recognition's HOG example misses and YuNet finds. Obama and Biden must each get exactly one face;
        // anything else must not be linked to either of them.
        var description = await DescribeFacesAsync(group2);
        Assert.True(groupFaces.Count >= 2, $"{groupFaces.Count} faces: {description}");
        Assert.True(groupFaces.Count(x => x.PersonId == personOfFolder["obama"]) == 1, description);
        Assert.True(groupFaces.Count(x => x.PersonId == personOfFolder["biden"]) == 1, description);
        var others = groupFaces.Where(x => x.PersonId != personOfFolder["obama"] && x.PersonId != personOfFolder["biden"]).ToList();
        Assert.DoesNotContain(others, x => personOfFolder.ContainsValue(x.PersonId));
        Assert.Equal(5L + others.Count, await fx.ScalarAsync<long>("SELECT count(*) FROM persons"));
        Assert.Equal(9L + groupFaces.Count, await fx.ScalarAsync<long>("SELECT count(*) FROM emotions"));
    }

    private async Task<string> DescribeFacesAsync(Guid frameId)
    {
        await using var command = fx.AppDataSource.CreateCommand(
            "SELECT format('box %s,%s %sx%s det %s q %s new %s', x, y, w, h, det_score, quality, new_person) FROM faces WHERE frame_id = @f");
        command.Parameters.AddWithValue("f", frameId);
        var lines = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            lines.Add(reader.GetString(0));
        return string.Join("; ", lines);
    }

    private async Task<List<(Guid FrameId, Guid PersonId)>> FacesAsync()
    {
        await using var command = fx.AppDataSource.CreateCommand("SELECT frame_id, person_id FROM faces");
        await using var reader = await command.ExecuteReaderAsync();
        var list = new List<(Guid, Guid)>();
        while (await reader.ReadAsync())
            list.Add((reader.GetGuid(0), reader.GetGuid(1)));
        return list;
    }
}
