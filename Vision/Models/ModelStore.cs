namespace FaceAspire.Vision.Models;

/// <summary>
/// Locates <c>models/manifest.json</c> and the cache that <c>models/fetch.sh</c> fills, and resolves model files.
/// Search order: explicit directory, env <c>FACEASPIRE_MODELS</c> (the folder holding manifest.json), then each
/// parent of <see cref="AppContext.BaseDirectory"/> and of the current directory that has <c>models/manifest.json</c>.
/// The cache is <c>FACEASPIRE_MODEL_CACHE</c> or <c>&lt;models&gt;/cache</c>.
/// </summary>
public sealed class ModelStore
{
    /// <summary>Opens the store.</summary>
    /// <exception cref="DirectoryNotFoundException">No manifest was found (message lists where it looked).</exception>
    public ModelStore(string? modelsDirectory = null, string? cacheDirectory = null)
    {
        ModelsDirectory = modelsDirectory ?? FindModelsDirectory();
        CacheDirectory = cacheDirectory
            ?? Environment.GetEnvironmentVariable("FACEASPIRE_MODEL_CACHE")
            ?? Path.Combine(ModelsDirectory, "cache");
        Manifest = ModelManifest.Load(Path.Combine(ModelsDirectory, "manifest.json"));
    }

    /// <summary>The folder holding manifest.json.</summary>
    public string ModelsDirectory { get; }

    /// <summary>The folder holding fetched and converted files.</summary>
    public string CacheDirectory { get; }

    /// <summary>The parsed manifest.</summary>
    public ModelManifest Manifest { get; }

    /// <summary>Full path of a model's file.</summary>
    /// <exception cref="FileNotFoundException">The file is not in the cache: run models/fetch.sh.</exception>
    public string PathOf(ModelEntry model)
    {
        var path = Path.Combine(CacheDirectory, model.File);
        return File.Exists(path) ? path
            : throw new FileNotFoundException($"Model file '{path}' for '{model.Name}' is missing: run models/fetch.sh.", path);
    }

    private static string FindModelsDirectory()
    {
        var fromEnv = Environment.GetEnvironmentVariable("FACEASPIRE_MODELS");
        if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
        var tried = new List<string>();
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "models");
                if (File.Exists(Path.Combine(candidate, "manifest.json"))) return candidate;
                tried.Add(candidate);
            }
        }
        throw new DirectoryNotFoundException(
            "models/manifest.json not found; set FACEASPIRE_MODELS. Looked in: " + string.Join(", ", tried.Distinct()));
    }
}
