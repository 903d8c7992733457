using System.Text.Json;
using System.Text.Json.Serialization;

namespace FaceAspire.Vision.Models;

/// <summary>
/// The parsed <c>models/manifest.json</c>: which model files exist, their sha256,
/// licence, source, tensor signatures and preprocessing. The engine is configured from it, so a better model is a
/// manifest entry plus (at most) a small adapter. Written by hand and verified by <c>models/fetch.sh</c>.
/// </summary>
public sealed record ModelManifest(
    int Version,
    IReadOnlyDictionary<string, string> Defaults,
    IReadOnlyList<ModelEntry> Models)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Reads and validates a manifest file.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid manifest (message names the problem).</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static ModelManifest Load(string path)
    {
        using var stream = File.OpenRead(path);
        ModelManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ModelManifest>(stream, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Model manifest '{path}' is not valid JSON: {e.Message}", e);
        }
        if (manifest is null || manifest.Models is null || manifest.Defaults is null)
            throw new InvalidDataException($"Model manifest '{path}' lacks 'defaults' or 'models'.");
        return manifest;
    }

    /// <summary>The entry called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No model of that name is listed (message lists the known names).</exception>
    public ModelEntry Get(string name) =>
        Models.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new KeyNotFoundException(
            $"Model '{name}' is not in the manifest; known: {string.Join(", ", Models.Select(m => m.Name))}.");

    /// <summary>The default model for a task (<c>detection</c>, <c>embedding</c>, <c>emotion</c>, <c>age</c>, <c>gender</c>).</summary>
    /// <exception cref="KeyNotFoundException">The manifest names no default for the task.</exception>
    public ModelEntry Default(string task) =>
        Defaults.TryGetValue(task, out var name) ? Get(name)
        : throw new KeyNotFoundException($"The manifest names no default model for task '{task}'.");
}

/// <summary>One model file and how to feed it.</summary>
/// <param name="Name">Unique key, e.g. <c>yunet</c>, <c>fr_feature</c>.</param>
/// <param name="Task">detection, embedding, emotion, age, gender or landmarks.</param>
/// <param name="File">File name inside the model cache.</param>
/// <param name="Sha256">Lower-case hex sha256 of the file, verified by models/fetch.sh.</param>
/// <param name="Licence">SPDX-style licence of the weights.</param>
/// <param name="Source">Where the file comes from (package or repository, path, commit).</param>
/// <param name="Version">Human-readable model version.</param>
/// <param name="Inputs">Input tensors as the graph declares them.</param>
/// <param name="Outputs">Output tensors as the graph declares them.</param>
/// <param name="Preprocessing">How a face becomes the input tensor.</param>
/// <param name="OutputKind">How outputs are decoded: yunet, embedding, probabilities, logits or ssrnet.</param>
/// <param name="Labels">For classifiers: the model's output order, in our canonical label names.</param>
/// <param name="Decode">Extra decoding parameters (SSR-Net stage sizes and lambdas), free-form.</param>
/// <param name="Notes">Free text: provenance caveats, measured behaviour.</param>
public sealed record ModelEntry(
    string Name,
    string Task,
    string File,
    string Sha256,
    string? Licence,
    string? Source,
    string? Version,
    IReadOnlyList<TensorSpec>? Inputs,
    IReadOnlyList<TensorSpec>? Outputs,
    Preprocessing? Preprocessing,
    string? OutputKind,
    IReadOnlyList<string>? Labels,
    JsonElement? Decode,
    string? Notes)
{
    /// <summary>The version string stored with every face this model produced: <c>name@sha256[..12]</c>.</summary>
    [JsonIgnore]
    public string VersionTag => $"{Name}@{Sha256[..Math.Min(12, Sha256.Length)]}";
}

/// <summary>A tensor's name, shape (−1 = dynamic) and element type.</summary>
public sealed record TensorSpec(string Name, long[]? Shape, string? Type);

/// <summary>
/// How pixels become model input: value = (pixel − Mean[c]) / Std[c], pixel in 0–255, channels in
/// <see cref="Color"/> order (RGB, BGR or GRAY), NCHW. <see cref="Crop"/> names the face crop the model was trained on:
/// <c>arcface112</c> (5-point aligned), <c>box-square</c> (square around the detector box, <see cref="Margin"/> of its
/// side added on each side) or <c>none</c>.
/// </summary>
public sealed record Preprocessing(
    string Color,
    string? Layout,
    int? Width,
    int? Height,
    float[]? Mean,
    float[]? Std,
    string? Crop,
    float? Margin);
