namespace FaceAspire.Core.Data.Entities;

/// <summary>
/// One row of the emotion log (table <c>emotions</c>): per face, the seven class probabilities in
/// <see cref="Contracts.EmotionLabels"/> order, age and gender, denormalised with person, source and time so that
/// time-range × person × source queries hit one table and one index.
/// </summary>
public sealed class EmotionRecord
{
    /// <summary>Primary key (identity).</summary>
    public long Id { get; set; }
    /// <summary>The face (cascade delete).</summary>
    public Guid FaceId { get; set; }
    /// <summary>The face's person at write time; must be moved along on merges.</summary>
    public Guid? PersonId { get; set; }
    /// <summary>The frame (cascade delete).</summary>
    public Guid FrameId { get; set; }
    /// <summary>The frame's source.</summary>
    public string? Source { get; set; }
    /// <summary>When the frame was taken.</summary>
    public DateTimeOffset CapturedAt { get; set; }
    /// <summary>Dominant label, one of <see cref="Contracts.EmotionLabels.All"/>.</summary>
    public string Dominant { get; set; } = "";
    /// <summary>Probability of <see cref="Dominant"/>, in [0, 1].</summary>
    public float Confidence { get; set; }
    /// <summary>P(angry) in [0, 1].</summary>
    public float Angry { get; set; }
    /// <summary>P(disgust).</summary>
    public float Disgust { get; set; }
    /// <summary>P(fear).</summary>
    public float Fear { get; set; }
    /// <summary>P(happy).</summary>
    public float Happy { get; set; }
    /// <summary>P(sad).</summary>
    public float Sad { get; set; }
    /// <summary>P(surprise).</summary>
    public float Surprise { get; set; }
    /// <summary>P(neutral).</summary>
    public float Neutral { get; set; }
    /// <summary>Estimated age in years, or null.</summary>
    public float? Age { get; set; }
    /// <summary><c>male</c>, <c>female</c>, or null.</summary>
    public string? Gender { get; set; }
    /// <summary>Box left edge, pixels.</summary>
    public float X { get; set; }
    /// <summary>Box top edge, pixels.</summary>
    public float Y { get; set; }
    /// <summary>Box width, pixels.</summary>
    public float W { get; set; }
    /// <summary>Box height, pixels.</summary>
    public float H { get; set; }
}
