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

/// <summary>
/// How <c>frames.error</c> begins for each way a frame fails, so that a failure about the image itself (retrying
/// cannot help) can be told from one that ran out of retries (it may well succeed now).
/// </summary>
public static class FrameFailures
{
    /// <summary>The image could not be decoded (permanent); the decoder's message follows.</summary>
    public const string Undecodable = "image could not be decoded";
    /// <summary>The frame's image row is gone (permanent).</summary>
    public const string MissingBytes = "image bytes are missing";
    /// <summary>Transient errors outlasted the retries (and any database outage wait); the last exception follows.</summary>
    public const string RetriesExhausted = "processing failed after retries";

    /// <summary>True when <paramref name="error"/> is about the image itself, so processing it again would fail again.</summary>
    public static bool IsAboutTheImage(string? error) =>
        error is not null && (error.StartsWith(Undecodable, StringComparison.Ordinal) || error.StartsWith(MissingBytes, StringComparison.Ordinal));
}
