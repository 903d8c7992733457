namespace FaceAspire.Core.Data.Entities;

/// <summary>
/// An identity: a cluster of faces judged to be the same person (table <c>persons</c>). Created by
/// <see cref="Identity.IdentityMatcher"/>; its counters are maintained incrementally on every assignment.
/// </summary>
public sealed class Person
{
    /// <summary>Primary key.</summary>
    public Guid Id { get; set; }
    /// <summary>Name given by an operator; null until named.</summary>
    public string? Name { get; set; }
    /// <summary>When the first face opened the person.</summary>
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>The best-quality face, shown as the person's picture; null only transiently or after deletes.</summary>
    public Guid? CoverFaceId { get; set; }
    /// <summary>Hidden from lists by an operator (still matched).</summary>
    public bool Hidden { get; set; }
    /// <summary>Number of faces assigned, maintained incrementally.</summary>
    public int FaceCount { get; set; }
    /// <summary>Latest <c>captured_at</c> of its faces.</summary>
    public DateTimeOffset? LastSeen { get; set; }
    /// <summary>Quality (in [0, 1]) of the cover face.</summary>
    public float? BestQuality { get; set; }
    /// <summary>The assigned faces.</summary>
    public List<Face> Faces { get; set; } = [];
}
