namespace FaceAspire.Core.Data.Entities;

/// <summary>
/// A maintenance job (table <c>jobs</c>): kind, life cycle queued → running → done | failed, and progress as
/// <see cref="Done"/> of <see cref="Total"/> units (faces, rows). See <see cref="Jobs.JobKinds"/>.
/// </summary>
public sealed class Job
{
    /// <summary>Primary key.</summary>
    public Guid Id { get; set; }
    /// <summary>One of <see cref="Jobs.JobKinds.All"/>.</summary>
    public string Kind { get; set; } = "";
    /// <summary>One of <see cref="Jobs.JobStatus"/>'s values.</summary>
    public string Status { get; set; } = Jobs.JobStatus.Queued;
    /// <summary>Units processed so far (≥ 0).</summary>
    public int Done { get; set; }
    /// <summary>Units to process, or null while unknown.</summary>
    public int? Total { get; set; }
    /// <summary>When the job was requested.</summary>
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>When a worker started it.</summary>
    public DateTimeOffset? StartedAt { get; set; }
    /// <summary>When it finished (done or failed).</summary>
    public DateTimeOffset? FinishedAt { get; set; }
    /// <summary>Who asked: an API key's name prefix, an operator, or <c>worker</c> for automatic jobs.</summary>
    public string RequestedBy { get; set; } = "";
    /// <summary>The job's parameters as JSON (jsonb), or null for the defaults.</summary>
    public string? Parameters { get; set; }
    /// <summary>What it did, as JSON (jsonb): counts deleted, suggestions made, …</summary>
    public string? Result { get; set; }
    /// <summary>Why it failed, or null.</summary>
    public string? Error { get; set; }
}
