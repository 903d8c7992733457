namespace FaceAspire.Core.Data.Entities;

/// <summary>
/// One detected face (table <c>faces</c>). The <c>embedding vector(512)</c> column is deliberately NOT mapped
/// (docs/adr/0008-vector-as-real-array.md): it is written and read only through <see cref="Identity.FaceStore"/>
/// with raw SQL, so rows must be inserted there, never with <c>DbContext.Add</c> (the column is NOT NULL).
/// Read, update and delete through EF are fine.
/// </summary>
public sealed class Face
{
    /// <summary>Primary key.</summary>
    public Guid Id { get; set; }
    /// <summary>The frame the face was found in (cascade delete).</summary>
    public Guid FrameId { get; set; }
    /// <summary>The assigned person; null = unassigned.</summary>
    public Guid? PersonId { get; set; }
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
