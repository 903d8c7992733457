namespace FaceAspire.Core.Engagement;

/// <summary>A learner's engagement read from one face's emotion probabilities.</summary>
/// <param name="Score">Engagement in [0, 100].</param>
/// <param name="Status">One of the <see cref="EngagementScorer.Statuses"/>.</param>
/// <param name="Recommendations">What to suggest to the learner for this status.</param>
public sealed record EngagementResult(double Score, string Status, IReadOnlyList<string> Recommendations);

/// <summary>
/// The learner-mood engagement score and status (issue 6; the webcam seed's formula):
/// score = clamp₀¹⁰⁰((happy + surprise + 0.7·neutral) − (sad + angry + fear + disgust)) with each emotion in percent.
/// Status by band and dominant emotion: 70–100 highly_engaged if dominant is happy/surprise else engaged; 40–69 neutral
/// if dominant is neutral else partially_engaged; 20–39 confused if dominant is sad/fear else distracted; 0–19
/// frustrated if dominant is sad/angry else bored. Bands are closed below: 70 is the first highly_engaged/engaged
/// score, 69.99 is still in the 40–69 band.
/// </summary>
public static class EngagementScorer
{
    /// <summary>Every status, highest band first.</summary>
    public static readonly IReadOnlyList<string> Statuses =
        ["highly_engaged", "engaged", "neutral", "partially_engaged", "confused", "distracted", "frustrated", "bored"];

    private static readonly Dictionary<string, string[]> Advice = new()
    {
        ["highly_engaged"] = ["Great focus! Keep going at this pace.", "Try a harder exercise to stretch yourself."],
        ["engaged"] = ["You're doing well. Keep it up.", "Take notes on the key points."],
        ["neutral"] = ["Try summarising the last section in your own words.", "Ask yourself a question about the topic."],
        ["partially_engaged"] = ["Refocus: close other tabs and notifications.", "Try an interactive exercise on this topic."],
        ["confused"] = ["Try rewatching this section.", "Look at a worked example or ask for help."],
        ["distracted"] = ["Take a moment to refocus on the material.", "Set a short goal for the next five minutes."],
        ["frustrated"] = ["Take a short break if feeling frustrated.", "Break the problem into smaller steps."],
        ["bored"] = ["Try a more challenging exercise.", "Switch to a different format, such as a video or a quiz."],
    };

    /// <summary>
    /// Scores one face. <paramref name="percent"/> maps the 7 canonical labels (angry, disgust, fear, happy, sad,
    /// surprise, neutral) to percentages in [0, 100]; missing labels count as 0.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="dominant"/> is empty.</exception>
    public static EngagementResult Score(IReadOnlyDictionary<string, double> percent, string dominant)
    {
        ArgumentException.ThrowIfNullOrEmpty(dominant);
        double Get(string label) => percent.TryGetValue(label, out var v) ? v : 0;
        double raw = Get("happy") + Get("surprise") + 0.7 * Get("neutral") - (Get("sad") + Get("angry") + Get("fear") + Get("disgust"));
        double score = Math.Round(Math.Clamp(raw, 0, 100), 2);
        var status = Status(score, dominant);
        return new EngagementResult(score, status, Advice[status]);
    }

    /// <summary>The status for a score in [0, 100] and the dominant emotion label.</summary>
    public static string Status(double score, string dominant) => score switch
    {
        >= 70 => dominant is "happy" or "surprise" ? "highly_engaged" : "engaged",
        >= 40 => dominant is "neutral" ? "neutral" : "partially_engaged",
        >= 20 => dominant is "sad" or "fear" ? "confused" : "distracted",
        _ => dominant is "sad" or "angry" ? "frustrated" : "bored",
    };

    /// <summary>The recommendations for a status.</summary>
    /// <exception cref="KeyNotFoundException">Unknown status.</exception>
    public static IReadOnlyList<string> RecommendationsFor(string status) => Advice[status];
}
