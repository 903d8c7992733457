using System.ComponentModel.DataAnnotations;

namespace FaceAspire.Core.Identity;

/// <summary>
/// Identity matching settings, configuration section <c>"Identity"</c>. The threshold is the value calibrated for
/// the 512-d embedding model (fr_feature) on labelled pairs: cosine similarity ≥ 0.36 means the same person,
/// i.e. pgvector cosine distance (<c>&lt;=&gt;</c>) ≤ 0.64.
/// </summary>
public sealed class IdentityOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Identity";

    /// <summary>Minimum cosine similarity, in [-1, 1], for a neighbour to vote for its person. Default 0.36.</summary>
    [Range(-1.0, 1.0)]
    public float MatchThreshold { get; set; } = 0.36f;

    /// <summary>Number of nearest faces (HNSW top-k) that vote. Default 10.</summary>
    [Range(1, 1000)]
    public int TopK { get; set; } = 10;

    /// <summary>
    /// HNSW search list size <c>hnsw.ef_search</c>, set per transaction; larger = better recall, slower.
    /// Effective value is max(EfSearch, TopK), since the index returns at most ef_search rows. Default 64.
    /// </summary>
    [Range(1, 1000)]
    public int EfSearch { get; set; } = 64;

    /// <summary>The cosine distance equivalent of <see cref="MatchThreshold"/> (1 − similarity).</summary>
    public float MaxDistance => 1f - MatchThreshold;
}
