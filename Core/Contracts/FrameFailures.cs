namespace FaceAspire.Core.Contracts;

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
