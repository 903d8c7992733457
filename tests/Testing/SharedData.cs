namespace FaceAspire.Testing;

/// <summary>
/// Finds the team's shared test data (<c>../shared/data</c> beside the checkout): env <c>FACEASPIRE_SHARED</c>
/// (the shared folder), else the first ancestor of the app or current directory that has <c>shared/data</c>.
/// </summary>
public static class SharedData
{
    /// <summary>The shared/data folder, or null when absent.</summary>
    public static string? Root
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable("FACEASPIRE_SHARED");
            if (!string.IsNullOrEmpty(fromEnv)) return Directory.Exists(Path.Combine(fromEnv, "data")) ? Path.Combine(fromEnv, "data") : null;
            foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
                for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                    if (Directory.Exists(Path.Combine(dir.FullName, "shared", "data"))) return Path.Combine(dir.FullName, "shared", "data");
            return null;
        }
    }

    /// <summary>A path under shared/data.</summary>
    /// <exception cref="DirectoryNotFoundException">shared/data or the path is absent.</exception>
    public static string PathOf(string relative)
    {
        var root = Root ?? throw new DirectoryNotFoundException("../shared/data not found beside the checkout; set FACEASPIRE_SHARED.");
        var path = Path.Combine(root, relative);
        return Directory.Exists(path) || File.Exists(path) ? path : throw new DirectoryNotFoundException($"{path} not found.");
    }
}
