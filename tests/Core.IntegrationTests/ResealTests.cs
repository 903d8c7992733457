using System.Security.Cryptography;
using FaceAspire.Core.Data;
using FaceAspire.Core.Security;
using FaceAspire.Testing;

namespace FaceAspire.Core.IntegrationTests;

/// <summary>
/// KEK rotation as docs/security.md describes it: images sealed under the old key and legacy plain images, then the
/// resealer (the <c>reseal</c> job) with the new key current and the old one for reading. Afterwards every image is sealed under the
/// new key, the old ciphertext is untouched, the new key alone opens everything, and a second run finds nothing.
/// </summary>
public sealed class ResealTests(PostgresDatabaseFixture db) : IClassFixture<PostgresDatabaseFixture>
{
    private static string Secret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task ResealRewrapsOldKeysSealsLegacyRowsAndLeavesTheCiphertext()
    {
        var (oldSecret, newSecret) = (Secret(), Secret());
        var before = new ImageSealer(new KeyRing(oldSecret));
        byte[] Photo(int n) => [0xFF, 0xD8, 0xFF, 0xE0, .. RandomNumberGenerator.GetBytes(3000 + n), 0xFF, 0xD9];
        var (rotated, legacy) = (Photo(1), Photo(2));
        var ingest = new FrameIngest(db.AppDataSource, before);
        var rotatedFrame = (await ingest.AcceptAsync(rotated, "image/jpeg", "cam", DateTimeOffset.UtcNow, null)).FrameId;
        var legacyFrame = (await ingest.AcceptAsync(legacy, "image/jpeg", "cam", DateTimeOffset.UtcNow, null)).FrameId;
        // A row from before encryption at rest: plain bytes, and a plain thumbnail.
        await ExecAsync("UPDATE frame_images SET content = @c, thumbnail = @c WHERE frame_id = @f", ("c", legacy), ("f", legacyFrame));
        var oldStored = await BytesAsync(rotatedFrame);

        var after = new ImageSealer(new KeyRing(newSecret, [oldSecret]));
        var resealer = new ImageResealer(db.AppDataSource, after);
        var result = await resealer.ResealAsync(_ => Task.CompletedTask, default);
        Assert.Equal([new("frame_images.content", 1, 1), new("frame_images.thumbnail", 0, 1), new ResealedColumn("faces.crop", 0, 0)], result);

        var newStored = await BytesAsync(rotatedFrame);
        Assert.Equal(oldStored[72..], newStored[72..]);
        Assert.Equal(after.Keys.CurrentId, newStored[4..12]);
        var newOnly = new ImageSealer(new KeyRing(newSecret));
        Assert.Equal(rotated, newOnly.Open(newStored, SealedColumns.FrameContent));
        Assert.Equal(legacy, newOnly.Open(await BytesAsync(legacyFrame), SealedColumns.FrameContent));
        Assert.True(ImageSealer.IsSealed(await BytesAsync(legacyFrame, "thumbnail")));

        var second = await resealer.ResealAsync(_ => Task.CompletedTask, default);
        Assert.All(second, c => Assert.Equal((0, 0), (c.Rewrapped, c.SealedLegacy)));
    }

    private async Task<byte[]> BytesAsync(Guid frame, string column = "content")
    {
        await using var command = db.AppDataSource.CreateCommand($"SELECT {column} FROM frame_images WHERE frame_id = @f");
        command.Parameters.AddWithValue("f", frame);
        return (byte[])(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecAsync(string sql, params (string Name, object Value)[] args)
    {
        await using var command = db.AppDataSource.CreateCommand(sql);
        foreach (var (name, value) in args)
            command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync();
    }
}
