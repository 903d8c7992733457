namespace FaceAspire.Core.Data.Entities;

/// <summary>
/// One learner-mood answer stored for a session (table <c>mood_results</c>). Emotions are percentages in
/// [0, 100]; the score and status are <see cref="Engagement.EngagementScorer"/>'s.
/// </summary>
public sealed class MoodResult
{
    /// <summary>Primary key (identity).</summary>
    public long Id { get; set; }
    /// <summary>The client's session id (free text, at most 200 characters).</summary>
    public string Session { get; set; } = "";
    /// <summary>The frame's timestamp (client's, else the receive time).</summary>
    public DateTimeOffset CapturedAt { get; set; }
    /// <summary>When the Api stored it.</summary>
    public DateTimeOffset ReceivedAt { get; set; }
    /// <summary>Dominant emotion label.</summary>
    public string Dominant { get; set; } = "";
    /// <summary>Angry, percent.</summary>
    public float Angry { get; set; }
    /// <summary>Disgust, percent.</summary>
    public float Disgust { get; set; }
    /// <summary>Fear, percent.</summary>
    public float Fear { get; set; }
    /// <summary>Happy, percent.</summary>
    public float Happy { get; set; }
    /// <summary>Sad, percent.</summary>
    public float Sad { get; set; }
    /// <summary>Surprise, percent.</summary>
    public float Surprise { get; set; }
    /// <summary>Neutral, percent.</summary>
    public float Neutral { get; set; }
    /// <summary>Engagement score in [0, 100].</summary>
    public float EngagementScore { get; set; }
    /// <summary>Engagement status (one of <see cref="Engagement.EngagementScorer.Statuses"/>).</summary>
    public string EngagementStatus { get; set; } = "";
    /// <summary>Estimated age in years, or null.</summary>
    public float? Age { get; set; }
    /// <summary><c>male</c>/<c>female</c>, or null.</summary>
    public string? Gender { get; set; }
}
