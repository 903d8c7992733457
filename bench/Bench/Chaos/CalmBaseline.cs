using FaceAspire.Cli;
using FaceAspire.Core.Contracts;
using FaceAspire.Vision;
using FaceAspire.Vision.Imaging;

namespace FaceAspire.Bench.Chaos;

/// <summary>What one picture gives when analysed calmly: its face count and the dominant emotion of each face (sorted),
/// which the worker stores as one <c>faces</c> and one <c>emotions</c> row per face. Null faces: undecodable.</summary>
public sealed record CalmResult(int? Faces, string Emotions);

/// <summary>
/// The calm reference of the chaos run: each distinct picture analysed once in this process by the real vision engine
/// (<see cref="Engine.Create"/>, the workers' models and settings, one thread), with nothing failing around it.
/// </summary>
internal static class CalmBaseline
{
    /// <summary>Analyses <paramref name="pictures"/> (index → bytes); returns index → result.</summary>
    public static Dictionary<int, CalmResult> Analyse(IReadOnlyList<(string Name, byte[] Content, string ContentType)> pictures, IEnumerable<int> indices)
    {
        using var analyzer = Engine.Create();
        var results = new Dictionary<int, CalmResult>();
        foreach (var index in indices.Distinct())
        {
            try
            {
                // Faces and their emotions only: the embeddings and age/gender take most of the time and are not compared.
                var analysis = analyzer.Analyze(pictures[index].Content, new AnalysisRequest(Embeddings: false, Attributes: false));
                results[index] = new CalmResult(analysis.Faces.Count,
                    Emotions(analysis.Faces.Select(f => EmotionLabels.All[f.Emotion!.DominantIndex])));
            }
            catch (ImageDecodeException)
            {
                results[index] = new CalmResult(null, "");
            }
        }
        return results;
    }

    /// <summary>Dominant emotions as one comparable string, e.g. <c>happy,neutral,neutral</c>.</summary>
    public static string Emotions(IEnumerable<string> dominant) => string.Join(',', dominant.Order(StringComparer.Ordinal));
}
