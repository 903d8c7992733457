namespace FaceAspire.Cli;

/// <summary>Expands files and folders into image files.</summary>
public static class ImageFiles
{
    /// <summary>Extensions picked up when walking folders (any case).</summary>
    public static readonly string[] Extensions = [".jpg", ".jpeg", ".png", ".bmp"];

    /// <summary>The media type to post a file as, from its extension (the Api checks the bytes, not this).</summary>
    public static string ContentType(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".bmp" => "image/bmp",
        _ => "image/jpeg",
    };

    /// <summary>
    /// Files are returned as given (so an unreadable one gets an error line); folders are walked recursively for
    /// image extensions, sorted by path for stable output.
    /// </summary>
    /// <exception cref="FileNotFoundException">A path does not exist (the commands check paths when they parse, so
    /// this means it went away since).</exception>
    public static IEnumerable<string> Expand(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            if (File.Exists(path)) { yield return path; continue; }
            if (!Directory.Exists(path)) throw new FileNotFoundException($"No such file or folder: {path}", path);
            foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                         .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                         .Order(StringComparer.Ordinal))
                yield return file;
        }
    }
}
