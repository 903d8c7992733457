using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using FaceAspire.Mood.IntegrationTests.Support;
using FaceAspire.Testing;
using FaceAspire.Worker.IntegrationTests.Support;
using Xunit.Abstractions;

namespace FaceAspire.Mood.IntegrationTests;

/// <summary>The CLI <c>import</c> as a real process against the real Api and two workers.</summary>
public sealed class ImportTests(SystemFixture fx, ITestOutputHelper output) : IClassFixture<SystemFixture>, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("faceaspire-import-").FullName;

    /// <summary>Removes the temporary folders (photos copied from ../shared/data and the journals).</summary>
    public void Dispose() => Directory.Delete(_root, recursive: true);

    private ServiceProcess Import(string folder, params string[] extra) =>
        SystemFixture.StartProcess("import", "Cli", ["import", folder, "--api", fx.ApiUrl.ToString(), "--key", fx.ApiKey, .. extra],
            new Dictionary<string, string> { ["XDG_STATE_HOME"] = Path.Combine(_root, "state"), ["COLUMNS"] = "200" });

    private string Album(string name, IEnumerable<string> sources)
    {
        var dir = Path.Combine(_root, name);
        Directory.CreateDirectory(Path.Combine(dir, "sub"));
        var i = 0;
        foreach (var source in sources)
            File.Copy(source, Path.Combine(dir, i++ % 3 == 0 ? "sub" : "", Path.GetFileName(source)), overwrite: false);
        return dir;
    }

    private async Task<long> FramesAsync() => await fx.ScalarAsync<long>("SELECT count(*) FROM frames");

    [Fact]
    public async Task AKilledImportResumesAndASecondRunSkipsEverythingWithMetadataKept()
    {
        // deepface photos: no other test of this class imports them, so the frame count measures this import alone.
        // All 60-odd JPEGs (img47.jpg is a WebP, refused: the next test), paced at 10 per second: unpaced, a fast
        // machine posted the second half between two polls, before the kill (fresh-clone CI, 2026-11-22 with 16
        // photos, and a fresh machine on 2026-12-06 with 60-odd while the workers had both cores busy).
        var photos = Directory.GetFiles(SharedData.PathOf("identities/deepface"), "img*.jpg").Where(IsJpeg).Order().ToList();
        Assert.True(photos.Count >= 60, $"{photos.Count} deepface photos");
        Assert.Contains(photos, p => p.EndsWith("img14.jpg"));
        var folder = Album("library", photos);
        var before = await FramesAsync();

        const int rate = 10;
        var first = Import(folder, "--recursive", "--parallel", "4", "--max-rate", $"{rate}");
        var sw = Stopwatch.StartNew();
        while (await FramesAsync() - before < photos.Count / 2)
        {
            Assert.True(sw.Elapsed < TimeSpan.FromMinutes(2), first.Tail());
            await Task.Delay(20);
        }
        var halfway = sw.Elapsed;
        first.Kill(); // SIGKILL halfway: no shutdown code, the journal has whatever was flushed
        Assert.True(await FramesAsync() - before < photos.Count, "the import finished before it could be killed");
        // The pacer spaced the posts 1/rate s apart, 4 connections or not (the process's start-up adds to this).
        Assert.True(halfway >= TimeSpan.FromSeconds((photos.Count / 2 - 1.0) / rate),
            $"{photos.Count / 2} posts in {halfway.TotalSeconds:F1} s at --max-rate {rate}");

        await using var second = Import(folder, "--recursive");
        var exit = await second.WaitForExitAsync(TimeSpan.FromMinutes(3));
        Assert.True(exit == 0, $"exit {exit}: {second.Tail()}");
        Assert.Equal(photos.Count, await FramesAsync() - before);
        foreach (var photo in photos)
        {
            var sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(photo)));
            Assert.Equal(1L, await fx.ScalarAsync<long>("SELECT count(*) FROM frames WHERE sha256 = @s", ("s", sha)));
        }
        var ids = await FrameIdsAsync();
        await fx.WaitSettledAsync(ids, TimeSpan.FromMinutes(2));

        await using var third = Import(folder, "--recursive");
        Assert.True(await third.WaitForExitAsync(TimeSpan.FromMinutes(1)) == 0, third.Tail());
        Assert.Contains(third.Lines, l => l.Contains("0 new") && l.Contains($"{photos.Count} skipped"));
        Assert.Equal(photos.Count, await FramesAsync() - before);

        // EXIF capture time and camera, and the client's path and folder, are in the frame.
        var canon = Path.Combine(folder, "sub", "img14.jpg") is var p && File.Exists(p) ? p : Path.Combine(folder, "img14.jpg");
        var sha14 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(canon)));
        var metadata = JsonDocument.Parse(await fx.ScalarAsync<string>("SELECT metadata::text FROM frames WHERE sha256 = @s", ("s", sha14))).RootElement;
        Assert.Equal(Path.GetFullPath(canon), Path.GetFullPath(metadata.GetProperty("path").GetString()!));
        Assert.Equal(Path.GetDirectoryName(Path.GetFullPath(canon)), Path.GetFullPath(metadata.GetProperty("folder").GetString()!));
        Assert.Equal("exif", metadata.GetProperty("capturedAtOrigin").GetString());
        Assert.False(string.IsNullOrEmpty(metadata.GetProperty("exif").GetProperty("cameraModel").GetString()));
        Assert.Equal(new DateTime(2016, 8, 5, 12, 0, 45, DateTimeKind.Utc),
            await fx.ScalarAsync<DateTime>("SELECT captured_at FROM frames WHERE sha256 = @s", ("s", sha14)));
    }

    [Fact]
    public async Task FilesTheApiRefusesAreReportedByNameAndTheImportStillEnds()
    {
        var webp = SharedData.PathOf("identities/deepface/img47.jpg"); // a real WebP photo named .jpg
        Assert.False(IsJpeg(webp));
        var good = SharedData.PathOf("groups/linzaer_1.jpg"); // imported by no other test of this class
        var folder = Album("refused", [webp, good]);
        var truncated = Path.Combine(folder, "truncated.jpg");
        var bytes = await File.ReadAllBytesAsync(SharedData.PathOf("groups/linzaer_2.jpg"));
        await File.WriteAllBytesAsync(truncated, bytes[..(bytes.Length / 3)]);
        var before = await FramesAsync();

        // Before the fix the import hung after its last post, its progress bar never full.
        await using var import = Import(folder, "--recursive");
        var exit = await import.WaitForExitAsync(TimeSpan.FromMinutes(1));
        Assert.True(exit == 1, $"exit {exit}: {import.Tail()}");
        Assert.Contains(import.Lines, l => l.Contains("1 new") && l.Contains("2 failed"));
        Assert.Contains(import.Lines, l => l.Contains("img47.jpg") && l.Contains("WebP"));
        Assert.Contains(import.Lines, l => l.Contains("truncated.jpg"));
        Assert.Equal(1, await FramesAsync() - before);
        var sha = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(good)));
        Assert.Equal("done", await fx.ScalarAsync<string>("SELECT status FROM frames WHERE sha256 = @s", ("s", sha)));
    }

    private static bool IsJpeg(string path)
    {
        using var file = File.OpenRead(path);
        return file.ReadByte() == 0xFF && file.ReadByte() == 0xD8;
    }

    [Fact]
    public async Task WatchIngestsAFileCopiedInLaterOnlyOnceItIsComplete()
    {
        var folder = Album("watched", [SharedData.PathOf("identities/face_recognition/obama-240p.jpg")]);
        await using var watcher = Import(folder, "--watch");
        await watcher.WaitForOutputAsync("watching", TimeSpan.FromMinutes(1));
        var before = await FramesAsync();

        var late = Images.Shared("groups/couple.jpg"); // imported by no other test of this class
        var target = Path.Combine(folder, "late.jpg");
        await using (var stream = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.Read))
        {
            // Written slowly: a reader that does not wait for the file to settle would post a truncated JPEG.
            var chunk = (late.Length + 3) / 4;
            for (var offset = 0; offset < late.Length; offset += chunk)
            {
                await stream.WriteAsync(late.AsMemory(offset, Math.Min(chunk, late.Length - offset)));
                await stream.FlushAsync();
                await Task.Delay(700);
            }
        }
        var sha = Convert.ToHexStringLower(SHA256.HashData(late));
        var sw = Stopwatch.StartNew();
        while (await fx.ScalarAsync<long>("SELECT count(*) FROM frames WHERE sha256 = @s AND status = 'done'", ("s", sha)) == 0)
        {
            Assert.True(sw.Elapsed < TimeSpan.FromMinutes(1), watcher.Tail() + fx.Diagnostics());
            await Task.Delay(200);
        }
        Assert.Equal(1, await FramesAsync() - before); // only the complete file, never a partial one
        // The watcher reports the file once its frame is done, and goes on watching: before the fix its wait for the
        // frame ended before the post returned, and it waited on the pending frame forever.
        await watcher.WaitForOutputAsync("late.jpg (", TimeSpan.FromSeconds(30));
        Assert.True(await fx.ScalarAsync<long>("SELECT count(*) FROM faces f JOIN frames fr ON fr.id = f.frame_id WHERE fr.sha256 = @s", ("s", sha)) >= 2);
    }

    [Fact]
    public async Task ImportThroughputWithTwoWorkers()
    {
        var photos = TestFrames.PhotosUnder(SharedData.PathOf("identities/lfw12"))
            .Concat(TestFrames.PhotosUnder(SharedData.PathOf("identities/face_recognition"))).ToList();
        var folder = Album("bench", photos.Select((p, i) => (p, i)).Select(x => x.p).DistinctBy(Path.GetFileName));
        var count = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Count();
        var before = await FramesAsync();
        var sw = Stopwatch.StartNew();
        await using var run = Import(folder, "--recursive");
        var code = await run.WaitForExitAsync(TimeSpan.FromMinutes(10));
        sw.Stop();
        var done = await fx.ScalarAsync<long>("SELECT count(*) FROM frames WHERE status IN ('done', 'failed')") ;
        var line = $"FIGURE import throughput: {count} photos (lfw12 + face_recognition) posted and analysed by 2 worker processes in {sw.Elapsed.TotalSeconds:F1} s = {count / sw.Elapsed.TotalSeconds:F2} photos/s (CLI exit {code})";
        output.WriteLine(line);
        Figures.Write("import-throughput", line);
        Assert.True(code is 0 or 1, run.Tail()); // 1 = some files refused (reported), not a crash
        Assert.True(done - before >= 0);
    }

    private async Task<List<Guid>> FrameIdsAsync()
    {
        await using var command = fx.AppDataSource.CreateCommand("SELECT id FROM frames");
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            ids.Add(reader.GetGuid(0));
        return ids;
    }
}
