namespace FaceAspire.Core.Contracts;

/// <summary>
/// The canonical emotion vocabulary and its order (FER-2013's seven classes, the order the Vision engine reports
/// and <c>emotions</c> stores): angry, disgust, fear, happy, sad, surprise, neutral. Every emotion score array in
/// Core has exactly <see cref="Count"/> entries in this order.
/// </summary>
public static class EmotionLabels
{
    /// <summary>Number of emotion classes (7).</summary>
    public const int Count = 7;

    /// <summary>The labels, index = position in score arrays.</summary>
    public static IReadOnlyList<string> All { get; } = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"];

    /// <summary>Index of <paramref name="label"/> in <see cref="All"/>, or -1 when it is not a known label.</summary>
    public static int IndexOf(string label)
    {
        for (var i = 0; i < Count; i++)
        {
            if (string.Equals(All[i], label, StringComparison.Ordinal))
                return i;
        }
        return -1;
    }
}
