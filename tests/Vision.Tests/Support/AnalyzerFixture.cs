using FaceAspire.Vision;
using FaceAspire.Testing;
using FaceAspire.Vision.Models;

namespace FaceAspire.Vision.Tests.Support;

/// <summary>One analyzer (real models, real ONNX Runtime) shared by a test class; null when models are not fetched.</summary>
public sealed class AnalyzerFixture : IDisposable
{
    public AnalyzerFixture()
    {
        if (ModelsFactAttribute.MissingReason is null) Analyzer = new FaceAnalyzer(new VisionOptions { Session = new() { IntraOpThreads = 1 } });
    }

    public FaceAnalyzer? Analyzer { get; }

    public FaceAnalyzer Require => Analyzer ?? throw new InvalidOperationException(ModelsFactAttribute.MissingReason);

    public void Dispose() => Analyzer?.Dispose();
}

/// <summary>A fact that needs fetched models (models/fetch.sh) and, optionally, files under ../shared/data.</summary>
public sealed class ModelsFactAttribute : FactAttribute
{
    public ModelsFactAttribute(params string[] sharedData)
    {
        var reason = MissingReason ?? DataMissing(sharedData);
        if (reason is not null) Skip = reason;
    }

    /// <summary>Why the models are unusable, or null when they are present.</summary>
    public static string? MissingReason
    {
        get
        {
            try
            {
                var store = new ModelStore();
                foreach (var m in store.Manifest.Defaults.Values.SelectMany(v => v.Split('+')).Select(store.Manifest.Get))
                    if (!File.Exists(Path.Combine(store.CacheDirectory, m.File))) return $"model {m.File} missing: run models/fetch.sh";
                return null;
            }
            catch (Exception e) { return e.Message; }
        }
    }

    internal static string? DataMissing(string[] paths)
    {
        if (paths.Length == 0) return null;
        if (SharedData.Root is null) return "../shared/data is absent beside the checkout";
        foreach (var p in paths)
            if (!File.Exists(Path.Combine(SharedData.Root, p)) && !Directory.Exists(Path.Combine(SharedData.Root, p)))
                return $"../shared/data/{p} is absent";
        return null;
    }
}
