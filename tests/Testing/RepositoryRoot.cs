namespace FaceAspire.Testing;

/// <summary>Locates the repository checkout the tests run from.</summary>
public static class RepositoryRoot
{
    /// <summary>
    /// The directory holding <c>FaceAspire.sln</c>: <c>FACEASPIRE_REPO_ROOT</c> when set, else the
    /// first such directory above the test assembly (tests run from <c>tests/X/bin/...</c> inside the checkout).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">No such directory.</exception>
    public static string Find()
    {
        if (Environment.GetEnvironmentVariable("FACEASPIRE_REPO_ROOT") is { Length: > 0 } env)
            return Path.GetFullPath(env);
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FaceAspire.sln")) )
                return dir.FullName;
        }
        throw new DirectoryNotFoundException($"No FaceAspire.sln above {AppContext.BaseDirectory}; set FACEASPIRE_REPO_ROOT.");
    }
}
