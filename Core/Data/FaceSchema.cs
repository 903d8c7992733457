namespace FaceAspire.Core.Data;

/// <summary>Schema constants shared by the model (<c>EntityConfigurations/</c>), its migrations and the queries.</summary>
public static class FaceSchema
{
    /// <summary>
    /// Length of a face embedding: 512 floats (the ArcFace-style recognition model's output), the <c>N</c> of
    /// <c>faces.embedding vector(N)</c>. Changing it needs a new migration and re-embedding every face.
    /// </summary>
    public const int EmbeddingDimension = 512;

    /// <summary>The type of <c>faces.embedding</c>: <c>vector(512)</c>, 32-bit floats.</summary>
    public const string VectorType = "vector(512)";

    /// <summary>
    /// The type of <c>faces.half_embedding</c>, the generated column the HNSW index is built on: pgvector's 16-bit
    /// <c>halfvec</c> of <see cref="EmbeddingDimension"/> values (ADR 0009: half the bytes per HNSW hop).
    /// </summary>
    public const string HalfVectorType = "halfvec(512)";

    /// <summary>The HNSW index over <c>faces.half_embedding</c>.</summary>
    public const string HnswIndex = "ix_faces_embedding_hnsw";

    /// <summary>
    /// The index's operator class: cosine distance on <c>halfvec</c>. A query uses the index only when it orders by
    /// <c>half_embedding &lt;=&gt; q</c> (the same operator on the same column), which is what
    /// <see cref="Identity.FaceStore"/>'s searches do.
    /// </summary>
    public const string HnswOperatorClass = "halfvec_cosine_ops";

    /// <summary>Number of landmark coordinates per face: 5 points × (x, y).</summary>
    public const int LandmarkValues = 10;

    /// <summary>HNSW graph degree <c>m</c> of <see cref="HnswIndex"/> (pgvector default 16).</summary>
    public const int HnswM = 16;

    /// <summary>HNSW build candidate list <c>ef_construction</c> (pgvector default 64).</summary>
    public const int HnswEfConstruction = 64;
}
