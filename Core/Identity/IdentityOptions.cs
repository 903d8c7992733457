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

    /// <summary>
    /// The similarity one face alone must reach to give a new face its person, in [-1, 1]: a person is chosen on the
    /// vote of at least two of its faces (each ≥ <see cref="MatchThreshold"/>), or on one face ≥ this. Measured with
    /// <c>bench evaluate-identity</c>: with single links at 0.36, one Schroeder photo matched one Blair photo and the
    /// next seven Schroeder photos followed it into the Blair person (BCubed precision 0.938 on the identity sets);
    /// single-link chaining is the classic failure of nearest-neighbour clustering. Default 0.42 (docs/identity.md).
    /// </summary>
    [Range(-1.0, 1.0)]
    public float SingleLinkThreshold { get; set; } = 0.42f;

    /// <summary>Number of nearest faces (HNSW top-k) that vote. Default 10.</summary>
    [Range(1, 1000)]
    public int TopK { get; set; } = 10;

    /// <summary>
    /// HNSW search list size <c>hnsw.ef_search</c> of the first search of every face, set per transaction; larger =
    /// better recall, slower. Effective value is max(EfSearch, TopK), since the index returns at most ef_search rows.
    /// Default 40 (docs/adr/0011-first-search-ef-search-40.md): at 100k faces its p95 was 3.17–3.72 ms against
    /// 4.38–4.52 ms at 64 on the same graphs. Its misses (a stored person absent from the top-k) go to the new-person
    /// path, whose re-search at <see cref="NewPersonEfSearch"/> found the exact scan's person for every miss in 2,000
    /// checked queries; the price is that 0.6–3.6 % of returning faces, not 0–0.5 %, pay that re-search (outside the
    /// new-person lock since ADR 0012).
    /// </summary>
    [Range(1, 1000)]
    public int EfSearch { get; set; } = 40;

    /// <summary>
    /// <c>hnsw.ef_search</c> of the second search on the new-person path: when the first search's neighbours give no
    /// vote, the matcher searches again with this larger list before it takes the new-person lock and creates a person
    /// (<see cref="IdentityMatcher.SearchAgainAsync"/>). A face the index misses would otherwise become a duplicate
    /// identity of someone already stored.
    /// Measured (Worker.Bench, 100k clustered faces, 2,000 queries of stored identities): with ef_search 64, 9
    /// decisions differed from an exact scan, all 9 "no person found", and a re-search at 256 found the right person
    /// for all 9; a search at 256 costs p50 8.2 / p95 9.7 ms against 2.3 / 3.2 ms at 64, paid only on this path.
    /// Effective value is max(this, <see cref="EfSearch"/>, <see cref="TopK"/>). Default 256.
    /// </summary>
    [Range(1, 1000)]
    public int NewPersonEfSearch { get; set; } = 256;

    /// <summary>
    /// The inter-ocular distance, in source pixels, at which face size stops limiting
    /// <see cref="Recognisability"/>: a face with half this IOD scores at most 0.5. Default 32 (so the default gate of
    /// 0.5 asks for IOD ≥ 16 px, past the point, 12–14 px, where the false-match rate climbs steeply: docs/identity.md).
    /// </summary>
    [Range(1.0, 1000.0)]
    public float FullSizeInterOcularPixels { get; set; } = 32f;

    /// <summary>
    /// The recognisability gate, in [0, 1]: faces scoring below it are <c>unidentified</c> (stored and emotion-logged,
    /// never given a person automatically, never a voting neighbour). Default 0.5 (IOD ≥ 16 px and quality ≥ 0.5):
    /// measured on the crowd photos, pairs with a face under 0.4 matched strangers 6–12 % of the time (docs/identity.md).
    /// </summary>
    [Range(0.0, 1.0)]
    public float MinRecognisability { get; set; } = 0.5f;

    /// <summary>
    /// Recognisability at or above which an unmatched face opens a person at once (live cameras want an id now).
    /// A recognisable face under it without a match is <c>deferred</c>: it forms a person only with
    /// <see cref="MinClusterFaces"/> − 1 other close deferred faces of other photos. Default 0.6 (IOD ≥ 19.2 px and
    /// quality ≥ 0.6).
    /// </summary>
    [Range(0.0, 1.0)]
    public float NewPersonRecognisability { get; set; } = 0.6f;

    /// <summary>
    /// Faces (from distinct frames, each within <see cref="MatchThreshold"/> of the others' core) a group of deferred
    /// faces needs before it becomes a person, the core-point rule of DBSCAN as Immich's recognition job applies it
    /// (its <c>minFaces</c>). Default 3.
    /// </summary>
    [Range(2, 100)]
    public int MinClusterFaces { get; set; } = 3;

    /// <summary>The list the new-person re-search asks for: <see cref="NewPersonEfSearch"/>, or
    /// <see cref="EfSearch"/> when that is larger (the re-search never searches less than the first search).</summary>
    public int EffectiveNewPersonEfSearch => Math.Max(NewPersonEfSearch, EfSearch);

    /// <summary>The cosine distance equivalent of <see cref="MatchThreshold"/> (1 − similarity).</summary>
    public float MaxDistance => 1f - MatchThreshold;
}
