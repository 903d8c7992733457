using Pgvector;

namespace FaceAspire.Core.Data.Entities;

/// <summary>
/// One detected face (table <c>faces</c>), with its identity embedding (<c>vector(512)</c>, Pgvector's
/// <see cref="Vector"/>) and the database's half-precision copy of it that the HNSW index holds (ADR 0009, ADR 0022).
/// The matcher inserts faces through <see cref="Identity.FaceStore"/> (one round trip with its search and lock);
/// every nearest-neighbour query is a <see cref="Identity.FaceStore"/> method.
/// </summary>
public sealed class Face
{
    /// <summary>Primary key.</summary>
    public Guid Id { get; set; }
    /// <summary>The frame the face was found in (cascade delete).</summary>
    public Guid FrameId { get; set; }
    /// <summary>The assigned person; null = unassigned.</summary>
    public Guid? PersonId { get; set; }
    /// <summary>
    /// Where the face stands in identity (<see cref="FaceIdentityStates"/>): <c>assigned</c> (has a person),
    /// <c>deferred</c> (recognisable, waiting for evidence before it forms or joins a person), <c>unidentified</c>
    /// (under the recognisability gate: never given a person automatically, never a neighbour that votes) or
    /// <c>unassigned</c> (taken from its person by an operator; not retried automatically).
    /// </summary>
    public string IdentityState { get; set; } = FaceIdentityStates.Assigned;
    /// <summary>
    /// Recognisability in [0, 1] (<see cref="Identity.Recognisability"/>): how far the face clears the gate on size,
    /// detection score, pose and quality; the gate passes faces with at least the configured minimum.
    /// </summary>
    public float Recognisability { get; set; }
    /// <summary>True when this face opened its person (kept so a replayed result can say so again).</summary>
    public bool NewPerson { get; set; }
    /// <summary>Left edge of the detector box, pixels.</summary>
    public float X { get; set; }
    /// <summary>Top edge of the box, pixels.</summary>
    public float Y { get; set; }
    /// <summary>Box width, pixels.</summary>
    public float W { get; set; }
    /// <summary>Box height, pixels.</summary>
    public float H { get; set; }
    /// <summary>Five landmarks as x0,y0,...,x4,y4 in pixels (right eye, left eye, nose, mouth right, mouth left).</summary>
    public float[] Landmarks { get; set; } = [];
    /// <summary>Detector confidence in [0, 1].</summary>
    public float DetScore { get; set; }
    /// <summary>Face quality in [0, 1], higher is better.</summary>
    public float Quality { get; set; }
    /// <summary>
    /// The identity embedding: <see cref="FaceSchema.EmbeddingDimension"/> floats, L2-normalised by the embedder, so
    /// pgvector's cosine distance (<c>&lt;=&gt;</c>) is 1 − the dot product. Compare only embeddings of one
    /// <see cref="ModelVersion"/>.
    /// </summary>
    public Vector Embedding { get; set; } = null!;
    /// <summary>
    /// <see cref="Embedding"/> in pgvector's 16-bit <c>halfvec(512)</c>, computed and stored by the database
    /// (a generated column, never written by us): what the HNSW index <c>ix_faces_embedding_hnsw</c> holds, so a
    /// search ordering by its cosine distance can use the index. Distances reported to callers are taken on
    /// <see cref="Embedding"/>.
    /// </summary>
    public HalfVector HalfEmbedding { get; private set; } = null!;
    /// <summary>Embedding model tag, e.g. <c>fr_feature@87aacdfe5751</c>; embeddings of different tags never compare.</summary>
    public string ModelVersion { get; set; } = "";
    /// <summary>JPEG crop of the face, or null.</summary>
    public byte[]? Crop { get; set; }
    /// <summary>When the row was written (database clock).</summary>
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>Copied from the frame, so person timelines need no join.</summary>
    public DateTimeOffset CapturedAt { get; set; }
    /// <summary>Copied from the frame.</summary>
    public string? Source { get; set; }
    /// <summary>The frame.</summary>
    public Frame? Frame { get; set; }
    /// <summary>The assigned person.</summary>
    public Person? Person { get; set; }
}

/// <summary>The values of <see cref="Face.IdentityState"/> (column <c>faces.identity_state</c>, checked by the database).</summary>
public static class FaceIdentityStates
{
    /// <summary>Has a person.</summary>
    public const string Assigned = "assigned";
    /// <summary>Recognisable, no person yet: retried when new faces arrive (the deferred-face job).</summary>
    public const string Deferred = "deferred";
    /// <summary>Under the recognisability gate: stored and emotion-logged, never given a person automatically.</summary>
    public const string Unidentified = "unidentified";
    /// <summary>Taken from its person by an operator (split out, or its person deleted with faces kept).</summary>
    public const string Unassigned = "unassigned";

    /// <summary>Every state, for the check constraint.</summary>
    public static readonly IReadOnlyList<string> All = [Assigned, Deferred, Unidentified, Unassigned];
}
