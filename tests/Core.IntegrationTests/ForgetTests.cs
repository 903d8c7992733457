using FaceAspire.Admin.BrowserTests;
using FaceAspire.Core.Data;
using FaceAspire.Core.Privacy;
using FaceAspire.Testing;
using FaceAspire.Vision.Imaging;
using Npgsql;

namespace FaceAspire.Core.IntegrationTests;

/// <summary>
/// "Forget this person" on real photos analysed by the real engine: a couple's photo (the person and someone else)
/// and a photo of the person alone (cut from the couple's, so the same face matches). Afterwards EVERY table of the
/// schema, enumerated from information_schema so a future table is searched too, is scanned as text for the person's
/// id, their face ids and the id of the photo where they were alone: only the one audit row remains.
/// </summary>
public sealed class ForgetTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    [SharedDataFact]
    public async Task ForgettingAPersonLeavesNothingOfThemInAnyTableButOneAuditRow()
    {
        using var importer = new PhotoImporter(db.AppDataSource);
        var couplePath = SharedData.PathOf("groups/couple.jpg");
        var (shared, faces) = await importer.ImportAsync(couplePath, "cam", DateTimeOffset.UtcNow.AddMinutes(-2));
        Assert.Equal(2, faces);
        var (person, other, box) = await CoupleAsync(shared);

        // The person alone: their face with a margin, cut from the same photo (new bytes, so a new frame).
        var soloPath = Path.Combine(Path.GetTempPath(), $"forget-{Guid.NewGuid():N}.jpg");
        using (var full = new ImageDecoder().Decode(await File.ReadAllBytesAsync(couplePath)))
        using (var solo = ImageOps.Crop(full, (int)(box.X - box.W), (int)(box.Y - box.H), (int)(box.W * 3), (int)(box.H * 3), 128))
            await File.WriteAllBytesAsync(soloPath, JpegEncoder.Encode(solo, 92));
        Guid alone;
        try
        {
            (alone, faces) = await importer.ImportAsync(soloPath, "cam", DateTimeOffset.UtcNow.AddMinutes(-1));
        }
        finally
        {
            File.Delete(soloPath);
        }
        Assert.Equal(1, faces);
        Assert.Equal(person, await ScalarAsync<Guid>("SELECT person_id FROM faces WHERE frame_id = @f", ("f", alone)));
        var faceIds = await ListAsync("SELECT id FROM faces WHERE person_id = @p", ("p", person));
        Assert.Equal(2, faceIds.Count);
        await ExecuteAsync("INSERT INTO person_pair_rejections (person_a, person_b, at, actor) VALUES (@a, @b, now(), 'test')",
            ("a", person < other ? person : other), ("b", person < other ? other : person));

        var result = await new PersonForgetter(db.AppDataSource).ForgetAsync(person, "test-operator");

        Assert.Equal(new ForgetResult(Faces: 2, EmotionRows: 2, FramesDeleted: 1, FramesKept: 1, Merges: 0, Suggestions: 0, Rejections: 1,
            OutboxMessages: result.OutboxMessages), result);
        Assert.True(result.OutboxMessages >= 3, $"the ingest command of the lone photo and both frames' events: {result.OutboxMessages}");
        var ids = new List<string> { person.ToString(), alone.ToString() };
        ids.AddRange(faceIds.Select(f => f.ToString()));
        var tables = await ListAsync<string>(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'");
        Assert.Contains("faces", tables);
        Assert.Contains("audit_log", tables);
        var left = new List<string>();
        foreach (var table in tables)
        {
            var rows = await ListAsync<string>($"""SELECT t::text FROM "{table}" t WHERE EXISTS (SELECT 1 FROM unnest(@ids) i WHERE strpos(t::text, i) > 0)""",
                ("ids", ids.ToArray()));
            left.AddRange(rows.Select(r => $"{table}: {r[..Math.Min(r.Length, 200)]}"));
        }
        var audit = Assert.Single(left);
        Assert.StartsWith("audit_log: ", audit);
        Assert.Contains("person.forget", audit);
        Assert.Contains("test-operator", audit);
        Assert.DoesNotContain(faceIds[0].ToString(), audit);

        // The shared photo stays, with its bytes and the other person's face; the lone one is gone.
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM frame_images WHERE frame_id = @f", ("f", shared)));
        Assert.Equal(other, await ScalarAsync<Guid>("SELECT person_id FROM faces WHERE frame_id = @f", ("f", shared)));
        Assert.Equal(1L, await ScalarAsync<long>("SELECT count(*) FROM emotions WHERE frame_id = @f", ("f", shared)));
        await Assert.ThrowsAsync<KeyNotFoundException>(() => new PersonForgetter(db.AppDataSource).ForgetAsync(person, "again"));
    }

    private async Task<(Guid Person, Guid Other, (float X, float Y, float W, float H) Box)> CoupleAsync(Guid frame)
    {
        await using var command = db.AppDataSource.CreateCommand("SELECT person_id, x, y, w, h FROM faces WHERE frame_id = @f ORDER BY x");
        command.Parameters.AddWithValue("f", frame);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(Guid, (float, float, float, float))>();
        while (await reader.ReadAsync())
        {
            Assert.False(reader.IsDBNull(0), "both faces of the couple are recognisable and get a person");
            rows.Add((reader.GetGuid(0), (reader.GetFloat(1), reader.GetFloat(2), reader.GetFloat(3), reader.GetFloat(4))));
        }
        Assert.Equal(2, rows.Count);
        return (rows[0].Item1, rows[1].Item1, rows[0].Item2);
    }

    private async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] args)
    {
        await using var command = Command(sql, args);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql, params (string Name, object Value)[] args)
    {
        await using var command = Command(sql, args);
        await command.ExecuteNonQueryAsync();
    }

    private Task<List<Guid>> ListAsync(string sql, params (string Name, object Value)[] args) => ListAsync<Guid>(sql, args);

    private async Task<List<T>> ListAsync<T>(string sql, params (string Name, object Value)[] args)
    {
        await using var command = Command(sql, args);
        await using var reader = await command.ExecuteReaderAsync();
        var list = new List<T>();
        while (await reader.ReadAsync())
            list.Add(reader.GetFieldValue<T>(0));
        return list;
    }

    // The owner's view: the scan must see every row, whatever the app role may read.
    private NpgsqlCommand Command(string sql, (string Name, object Value)[] args)
    {
        var command = db.OwnerDataSource.CreateCommand(sql);
        foreach (var (name, value) in args)
            command.Parameters.AddWithValue(name, value);
        return command;
    }
}
