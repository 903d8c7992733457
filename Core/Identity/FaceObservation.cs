using FaceAspire.Core.Data.Entities;
using FaceAspire.Core.Contracts;
using FaceAspire.Core.Data;

namespace FaceAspire.Core.Identity;

/// <summary>
/// One analysed face as Core stores it: the Worker maps the Vision engine's output to this record (Core does not
/// reference Vision). All coordinates are pixels of the decoded, EXIF-oriented image.
/// </summary>
/// <param name="X">Box left edge, pixels.</param>
/// <param name="Y">Box top edge, pixels.</param>
/// <param name="W">Box width, pixels (&gt; 0).</param>
/// <param name="H">Box height, pixels (&gt; 0).</param>
/// <param name="Landmarks">5 landmarks as x0,y0,…,x4,y4 (exactly <see cref="FaceSchema.LandmarkValues"/> = 10 values).</param>
/// <param name="DetectionScore">Detector confidence in [0, 1].</param>
/// <param name="Quality">Face quality in [0, 1]; the best-quality face becomes the person's cover.</param>
/// <param name="Embedding">Exactly <see cref="FaceSchema.EmbeddingDimension"/> = 512 finite floats, not all zero
/// (the engine delivers them L2-normalised; cosine distance does not need it).</param>
/// <param name="EmotionScores">7 probabilities in <see cref="EmotionLabels.All"/> order.</param>
/// <param name="DominantEmotion">One of <see cref="EmotionLabels.All"/>.</param>
/// <param name="EmotionConfidence">Probability of the dominant emotion, in [0, 1].</param>
/// <param name="Age">Estimated age in years, or null.</param>
/// <param name="Gender"><c>male</c>, <c>female</c>, or null.</param>
/// <param name="Crop">JPEG crop of the face, or null.</param>
public sealed record FaceObservation(
    float X,
    float Y,
    float W,
    float H,
    float[] Landmarks,
    float DetectionScore,
    float Quality,
    float[] Embedding,
    float[] EmotionScores,
    string DominantEmotion,
    float EmotionConfidence,
    float? Age,
    string? Gender,
    byte[]? Crop)
{
    /// <summary>Checks the shapes documented on the record.</summary>
    /// <exception cref="ArgumentException">A length, label or value is out of range.</exception>
    public void Validate()
    {
        if (Landmarks.Length != FaceSchema.LandmarkValues)
            throw new ArgumentException($"Landmarks must have {FaceSchema.LandmarkValues} values, got {Landmarks.Length}.");
        FaceStore.ValidateEmbedding(Embedding);
        if (EmotionScores.Length != EmotionLabels.Count)
            throw new ArgumentException($"EmotionScores must have {EmotionLabels.Count} values, got {EmotionScores.Length}.");
        if (EmotionLabels.IndexOf(DominantEmotion) < 0)
            throw new ArgumentException($"Unknown emotion label '{DominantEmotion}'.");
        if (!(W > 0 && H > 0))
            throw new ArgumentException($"Box size must be positive, got {W}×{H}.");
    }
}

/// <summary>Where a face comes from: its frame and the embedding model that produced its vector.</summary>
/// <param name="FrameId">The frame (must exist in <c>frames</c>).</param>
/// <param name="CapturedAt">The frame's capture time (stored as UTC).</param>
/// <param name="Source">The frame's source, or null.</param>
/// <param name="ModelVersion">Embedding model tag, e.g. <c>fr_feature@87aacdfe5751</c>.</param>
public sealed record FaceOrigin(Guid FrameId, DateTimeOffset CapturedAt, string? Source, string ModelVersion);

/// <summary>One neighbour returned by <see cref="FaceStore.NearestAsync"/>.</summary>
/// <param name="FaceId">The stored face.</param>
/// <param name="PersonId">Its person, or null when it has none (a <c>deferred</c> face: searches return only
/// <c>assigned</c> and <c>deferred</c> faces, see <see cref="FaceIdentityStates"/>).</param>
/// <param name="Distance">Cosine distance (pgvector <c>&lt;=&gt;</c>) in [0, 2].</param>
/// <param name="FrameId">The frame the face was found in (the cannot-link rule: faces of one frame are never one person).</param>
public sealed record Neighbour(Guid FaceId, Guid? PersonId, float Distance, Guid FrameId = default)
{
    /// <summary>Cosine similarity = 1 − <see cref="Distance"/>, in [-1, 1].</summary>
    public float Similarity => 1f - Distance;
}

/// <summary>What <see cref="IdentityMatcher"/> decided for a face.</summary>
/// <param name="FaceId">The face (a fresh id; the face is inserted with it).</param>
/// <param name="PersonId">Its person, or null when the face is <c>unidentified</c> or <c>deferred</c>.</param>
/// <param name="NewPerson">True when the face opened the person.</param>
/// <param name="Similarity">Best cosine similarity to a face of the chosen person; null for a new person or none.</param>
/// <param name="Quality">The face's quality (for cover selection).</param>
/// <param name="CapturedAt">The face's capture time (for <c>last_seen</c>).</param>
/// <param name="State">One of <see cref="FaceIdentityStates"/>: <c>assigned</c> (with a person), <c>deferred</c>
/// (recognisable, no person yet) or <c>unidentified</c> (under the recognisability gate).</param>
/// <param name="Recognisability">The face's <see cref="Identity.Recognisability"/> score in [0, 1].</param>
/// <param name="Adopted">Stored <c>deferred</c> faces that join the new person with this face (the evidence that formed
/// it, <see cref="IdentityMatcher.CreateUnlessFoundAsync"/>); empty otherwise.</param>
public sealed record FaceAssignment(Guid FaceId, Guid? PersonId, bool NewPerson, float? Similarity, float Quality, DateTimeOffset CapturedAt,
    string State = FaceIdentityStates.Assigned, float Recognisability = 1f, IReadOnlyList<Guid>? Adopted = null)
{
    /// <summary>The adopted deferred faces (never null).</summary>
    public IReadOnlyList<Guid> AdoptedFaces => Adopted ?? [];
}
