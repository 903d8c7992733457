namespace FaceAspire.Core.Data.Entities;

/// <summary>
/// A record of merging one person into another (table <c>person_merges</c>), kept so the merge can be undone:
/// which faces moved and a JSON snapshot of the source person as it was.
/// </summary>
public sealed class PersonMerge
{
    /// <summary>Primary key (identity).</summary>
    public long Id { get; set; }
    /// <summary>When merged.</summary>
    public DateTimeOffset At { get; set; }
    /// <summary>Who merged.</summary>
    public string Actor { get; set; } = "";
    /// <summary>The person that received the faces.</summary>
    public Guid TargetPersonId { get; set; }
    /// <summary>The person that was merged away (no foreign key: it may be deleted).</summary>
    public Guid SourcePersonId { get; set; }
    /// <summary>The faces moved from source to target.</summary>
    public Guid[] MovedFaceIds { get; set; } = [];
    /// <summary>The source person's row as JSON (jsonb) before the merge.</summary>
    public string SourceSnapshot { get; set; } = "{}";
    /// <summary>When undone; null while in effect.</summary>
    public DateTimeOffset? UndoneAt { get; set; }
}
