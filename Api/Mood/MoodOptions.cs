using System.ComponentModel.DataAnnotations;

namespace FaceAspire.Api.Mood;

/// <summary>Settings of the learner-mood and identify APIs, section <c>"Mood"</c> (env <c>Mood__MinFaceSize=40</c>).</summary>
public sealed class MoodOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Mood";

    /// <summary>Smallest accepted face (shorter box side), pixels; smaller → 422 face_too_small. Default 40.</summary>
    [Range(1, 4096)]
    public int MinFaceSize { get; set; } = 40;

    /// <summary>How long the Api waits for a worker's answer, seconds; then 503. Default 10.</summary>
    [Range(1, 600)]
    public int RequestTimeoutSeconds { get; set; } = 10;

    /// <summary>Extra seconds of wait per image of an enrolment request (each image is analysed in turn). Default 3.</summary>
    [Range(0, 600)]
    public int EnrolSecondsPerImage { get; set; } = 3;

    /// <summary>Most frames in one batch-analyze-mood request; more → 413. Default 32.</summary>
    [Range(1, 1000)]
    public int MaxBatchFrames { get; set; } = 32;

    /// <summary>Smoothing factor α of the session's rolling score (exponential moving average), in (0, 1]. Default 0.3.</summary>
    [Range(0.01, 1.0)]
    public double RollingAlpha { get; set; } = 0.3;
}
