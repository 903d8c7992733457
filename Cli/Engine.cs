using FaceAspire.Vision;

namespace FaceAspire.Cli;

/// <summary>Builds the analyzer the commands share, from defaults plus command-line overrides.</summary>
public static class Engine
{
    /// <summary>
    /// Creates a <see cref="FaceAnalyzer"/>. <paramref name="intraOpThreads"/> is per session; commands that run
    /// images in parallel use 1 so cores are not oversubscribed. <paramref name="flipAveraging"/> off embeds each
    /// face once (the work of the engine before flip averaging; <c>bench --no-flip</c>).
    /// </summary>
    public static FaceAnalyzer Create(string? emotion = null, int intraOpThreads = 1, bool flipAveraging = true) => new(new VisionOptions
    {
        Emotion = emotion,
        Session = new() { IntraOpThreads = intraOpThreads },
        FlipAveraging = flipAveraging,
    });
}
