namespace FaceAspire.Cli.Tests;

/// <summary>A file under the temp folder, deleted on dispose.</summary>
internal sealed class TempFile : IDisposable
{
    private TempFile(string path) => Path = path;

    /// <summary>Its full path.</summary>
    public string Path { get; }

    /// <summary>A new file holding <paramref name="text"/>, named *.jpg (the CLI must look at the bytes, not the name).</summary>
    public static TempFile Text(string text)
    {
        var file = new TempFile(NewPath(".jpg"));
        File.WriteAllText(file.Path, text);
        return file;
    }

    /// <summary>A new file holding <paramref name="bytes"/>.</summary>
    public static TempFile Bytes(byte[] bytes, string extension)
    {
        var file = new TempFile(NewPath(extension));
        File.WriteAllBytes(file.Path, bytes);
        return file;
    }

    private static string NewPath(string extension) => System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"faceaspire-cli-{Guid.NewGuid():N}{extension}");

    public void Dispose() => File.Delete(Path);
}
