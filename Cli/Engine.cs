using System.CommandLine;
using FaceAspire.Vision;
using FaceAspire.Vision.Models;
using FaceAspire.Vision.Onnx;

namespace FaceAspire.Cli;

/// <summary>
/// Builds the analyzer the commands share, from defaults plus command-line overrides. The execution provider comes
/// from the services' configuration keys as environment variables (<c>Vision__ExecutionProvider</c>,
/// <c>Vision__CudaDeviceId</c>, <c>Vision__CudaFallbackToCpu</c>), so a GPU is tried the same way in both, and so can
/// flip averaging be turned off for any command (<c>Vision__FlipAveraging=false</c>).
/// </summary>
public static class Engine
{
    /// <summary>
    /// Creates a <see cref="FaceAnalyzer"/>. <paramref name="intraOpThreads"/> is per session; commands that run
    /// images in parallel use 1 so cores are not oversubscribed. <paramref name="flipAveraging"/> off embeds each
    /// face once (the work of the engine before flip averaging; <c>--no-flip</c> of the benchmarks).
    /// </summary>
    /// <param name="emotion">Emotion model name(s) joined by <c>+</c>, or null for the manifest's default.</param>
    /// <param name="intraOpThreads">ONNX Runtime threads per session, at least 1.</param>
    /// <param name="flipAveraging">Embed each face with its mirror (and the environment does not turn it off).</param>
    /// <exception cref="InvalidOperationException">A <c>Vision__*</c> variable has a value it cannot take (commands
    /// that call <see cref="AddChecks"/> report that as a usage error before they get here).</exception>
    /// <exception cref="FileNotFoundException">A model file is missing (run models/fetch.sh).</exception>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA was asked for and cannot be had.</exception>
    public static FaceAnalyzer Create(string? emotion = null, int intraOpThreads = 1, bool flipAveraging = true)
    {
        var errors = new List<string>();
        var settings = EnvironmentSettings.Read(errors);
        if (errors.Count > 0)
            throw new InvalidOperationException(string.Join(" ", errors));
        return new FaceAnalyzer(new VisionOptions
        {
            Emotion = emotion,
            Session = new() { IntraOpThreads = intraOpThreads },
            FlipAveraging = flipAveraging && settings.FlipAveraging,
            ExecutionProvider = settings.Provider,
            CudaDeviceId = settings.CudaDeviceId,
            CudaFallbackToCpu = settings.CudaFallbackToCpu,
        });
    }

    /// <summary>The <c>--emotion MODEL</c> option: a manifest name, or several joined by <c>+</c> for an averaging ensemble.</summary>
    /// <param name="name">The option's name (<c>--emotion</c>, or <c>--model</c> for evaluate-emotions).</param>
    public static Option<string?> EmotionOption(string name = "--emotion") => new(name)
    {
        Description = "Emotion model from models/manifest.json, or several joined by + for an averaging ensemble [default: the manifest's]",
        HelpName = "MODEL",
    };

    /// <summary>
    /// Adds to <paramref name="command"/> the checks of what <see cref="Create"/> will read, so a mistake is a usage
    /// error before any model loads: every <c>Vision__*</c> variable parses, and each model named by
    /// <paramref name="models"/> is in the manifest (when the manifest can be read at all; if not, the run says so).
    /// </summary>
    public static void AddChecks(Command command, params Option<string?>[] models) => command.Validators.Add(r =>
    {
        var errors = new List<string>();
        EnvironmentSettings.Read(errors);
        foreach (var option in models)
        {
            if (r.GetValue(option) is { } names && Manifest() is { } manifest)
            {
                foreach (var name in names.Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    if (!manifest.Models.Any(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase)))
                        errors.Add($"{option.Name}: no model '{name}' in models/manifest.json; known: {string.Join(", ", manifest.Models.Select(m => m.Name))}.");
                }
            }
        }
        foreach (var error in errors)
            r.AddError(error);
    });

    private static ModelManifest? Manifest()
    {
        try
        {
            return new ModelStore().Manifest;
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            return null;
        }
    }

    // The services' Vision keys, read from the environment as .NET configuration would read them.
    private sealed record EnvironmentSettings(bool FlipAveraging, ExecutionProvider Provider, int CudaDeviceId, bool CudaFallbackToCpu)
    {
        public static EnvironmentSettings Read(List<string> errors) => new(
            Parse("Vision__FlipAveraging", true, s => bool.TryParse(s, out var b) ? b : null, errors),
            Parse("Vision__ExecutionProvider", ExecutionProvider.Cpu, s => Enum.TryParse<ExecutionProvider>(s, true, out var p) ? p : null, errors),
            Parse("Vision__CudaDeviceId", 0, s => int.TryParse(s, out var id) && id >= 0 ? id : null, errors),
            Parse("Vision__CudaFallbackToCpu", false, s => bool.TryParse(s, out var b) ? b : null, errors));

        private static T Parse<T>(string variable, T fallback, Func<string, T?> parse, List<string> errors) where T : struct
        {
            if (Environment.GetEnvironmentVariable(variable) is not { Length: > 0 } text)
                return fallback;
            if (parse(text) is { } value)
                return value;
            errors.Add($"{variable}={text} is not a valid value.");
            return fallback;
        }
    }
}
