namespace FaceAspire.Core.Contracts;

/// <summary>
/// The values of <c>frames.status</c> (a text column with a check constraint) and of
/// <see cref="FrameAnalyzed.Status"/>. Life cycle: queued → processing → done | failed; a failed frame may be
/// retried (back to processing).
/// </summary>
public static class FrameStatus
{
    /// <summary>Accepted by the Api, <see cref="AnalyzeFrame"/> written to the outbox.</summary>
    public const string Queued = "queued";
    /// <summary>A worker has started on it (attempts was incremented).</summary>
    public const string Processing = "processing";
    /// <summary>Faces and emotion rows are stored; final.</summary>
    public const string Done = "done";
    /// <summary>Analysis failed permanently (e.g. undecodable image); <c>frames.error</c> says why.</summary>
    public const string Failed = "failed";

    /// <summary>All four values, in life-cycle order.</summary>
    public static IReadOnlyList<string> All { get; } = [Queued, Processing, Done, Failed];
}
