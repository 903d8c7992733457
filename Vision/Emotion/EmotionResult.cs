namespace FaceAspire.Vision.Emotion;

/// <summary>
/// Emotion probabilities over the 7 canonical FER2013 classes, in <see cref="Labels"/> order: angry, disgust, fear,
/// happy, sad, surprise, neutral. Each in [0, 1], summing to 1.
/// </summary>
public sealed record EmotionResult(float[] Probabilities)
{
    /// <summary>The canonical label order every emotion model is mapped to.</summary>
    public static readonly IReadOnlyList<string> Labels = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"];

    /// <summary>Index of the most probable class.</summary>
    public int DominantIndex
    {
        get
        {
            int best = 0;
            for (int i = 1; i < Probabilities.Length; i++) if (Probabilities[i] > Probabilities[best]) best = i;
            return best;
        }
    }

    /// <summary>The most probable label.</summary>
    public string Dominant => Labels[DominantIndex];

    /// <summary>Its probability in [0, 1].</summary>
    public float Confidence => Probabilities[DominantIndex];

    /// <summary>Label → probability.</summary>
    public IReadOnlyDictionary<string, float> Scores => Labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => Probabilities[x.i]);

    /// <summary>Index of a canonical label (also accepts face-api/FER+ spellings such as fearful, happiness, anger).</summary>
    /// <exception cref="ArgumentException">The label is not one of the 7 classes.</exception>
    public static int IndexOf(string label) => label.ToLowerInvariant() switch
    {
        "angry" or "anger" => 0,
        "disgust" or "disgusted" => 1,
        "fear" or "fearful" => 2,
        "happy" or "happiness" => 3,
        "sad" or "sadness" => 4,
        "surprise" or "surprised" => 5,
        "neutral" => 6,
        _ => throw new ArgumentException($"'{label}' is not one of the 7 emotion classes."),
    };
}
