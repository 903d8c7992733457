using System.Buffers.Text;
using System.Security.Cryptography;

namespace FaceAspire.AppHost.Hosting;

/// <summary>The development API key: "fa_" + base64url of 32 random bytes (256 bits, 46 characters in all),
/// created on first use in <c>{run}/dev-api-key</c> (mode 600, git-ignored) and reused on later runs.</summary>
internal static class DevApiKey
{
    public const string Prefix = "fa_";

    public static string LoadOrCreate(string runDirectory)
    {
        var path = Path.Combine(runDirectory, "dev-api-key");
        if (File.Exists(path))
        {
            var existing = File.ReadAllText(path).Trim();
            if (existing.StartsWith(Prefix, StringComparison.Ordinal) && existing.Length > 40)
                return existing;
        }
        Directory.CreateDirectory(runDirectory);
        var key = Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        WriteSecret(path, key + "\n");
        return key;
    }

    /// <summary>Writes through a temporary file created with mode 600, then renames: readers never see a
    /// partial file and the secret is never world-readable, even briefly.</summary>
    public static void WriteSecret(string path, string content)
    {
        var temp = path + ".tmp";
        File.Delete(temp);
        using (var stream = new FileStream(temp, new FileStreamOptions
               {
                   Mode = FileMode.CreateNew, Access = FileAccess.Write,
                   UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
               }))
        using (var writer = new StreamWriter(stream))
            writer.Write(content);
        File.Move(temp, path, overwrite: true);
    }
}
