namespace FaceAspire.Core.Data.Entities;

/// <summary>
/// A merge proposed by the re-cluster job (table <c>merge_suggestions</c>): faces of <see cref="SourcePersonId"/>
/// and <see cref="TargetPersonId"/> fell into one density cluster. Nothing is merged until an operator accepts.
/// </summary>
public sealed class MergeSuggestion
{
    /// <summary>Primary key (identity).</summary>
    public long Id { get; set; }
    /// <summary>The re-cluster job that proposed it.</summary>
    public Guid JobId { get; set; }
    /// <summary>The person to keep (named, else the one with more faces in the cluster).</summary>
    public Guid TargetPersonId { get; set; }
    /// <summary>The person whose faces would move.</summary>
    public Guid SourcePersonId { get; set; }
    /// <summary>Faces of both persons in the cluster.</summary>
    public int ClusterFaces { get; set; }
    /// <summary>Highest cosine similarity between a face of one and a face of the other, in [-1, 1].</summary>
    public float Similarity { get; set; }
    /// <summary>When it was proposed.</summary>
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary><c>open</c>, <c>accepted</c> or <c>rejected</c>.</summary>
    public string Status { get; set; } = "open";
}
