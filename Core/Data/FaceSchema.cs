namespace FaceAspire.Core.Data;

/// <summary>Schema constants shared by the migration DDL and the code that reads and writes the vector column.</summary>
public static class FaceSchema
{
    /// <summary>
    /// Length of a face embedding: 512 floats (the ArcFace-style recognition model's output), the <c>N</c> of
    /// <c>faces.embedding vector(N)</c>. Changing it needs a new migration and re-embedding every face.
    /// </summary>
    public const int EmbeddingDimension = 512;

    /// <summary>
    /// The type <c>ix_faces_embedding_hnsw</c> indexes: the embedding cast to pgvector's 16-bit <c>halfvec</c> of
    /// <see cref="EmbeddingDimension"/> values (ADR 0009). A nearest-neighbour query uses the index only when it orders
    /// by exactly <c>embedding::IndexedVectorType &lt;=&gt; @q::IndexedVectorType</c>, so every such query takes the
    /// type from here.
    /// </summary>
    public const string IndexedVectorType = "halfvec(512)";

    /// <summary>Number of landmark coordinates per face: 5 points × (x, y).</summary>
    public const int LandmarkValues = 10;

    /// <summary>HNSW graph degree <c>m</c> of <c>ix_faces_embedding_hnsw</c> (pgvector default 16).</summary>
    public const int HnswM = 16;

    /// <summary>HNSW build candidate list <c>ef_construction</c> (pgvector default 64).</summary>
    public const int HnswEfConstruction = 64;
}
