using System.Diagnostics;

namespace FaceAspire.Vision;

/// <summary>The pipeline's stages, in order; each is also an <see cref="Activity"/> name under <see cref="VisionTelemetry.Source"/>.</summary>
public enum Stage { Decode, Detect, Align, Embed, Emotion, AgeGender }

/// <summary>Thread-safe accumulated wall time per stage (for the bench command). Add with <see cref="Measure"/>.</summary>
public sealed class StageTimings
{
    private readonly long[] _ticks = new long[Enum.GetValues<Stage>().Length];
    private readonly long[] _counts = new long[Enum.GetValues<Stage>().Length];

    /// <summary>Starts timing a stage; dispose the result to stop. Also starts a child span named after the stage.</summary>
    public static Scope Measure(StageTimings? timings, Stage stage) => new(timings, stage, VisionTelemetry.Source.StartActivity(stage.ToString().ToLowerInvariant()));

    /// <summary>Total milliseconds spent in a stage.</summary>
    public double TotalMilliseconds(Stage stage) => Interlocked.Read(ref _ticks[(int)stage]) * 1000.0 / Stopwatch.Frequency;

    /// <summary>How many times a stage ran.</summary>
    public long Count(Stage stage) => Interlocked.Read(ref _counts[(int)stage]);

    /// <summary>Clears all totals.</summary>
    public void Reset()
    {
        Array.Clear(_ticks);
        Array.Clear(_counts);
    }

    private void Add(Stage stage, long ticks)
    {
        Interlocked.Add(ref _ticks[(int)stage], ticks);
        Interlocked.Increment(ref _counts[(int)stage]);
    }

    /// <summary>An open measurement.</summary>
    public readonly struct Scope(StageTimings? timings, Stage stage, Activity? activity) : IDisposable
    {
        private readonly long _start = Stopwatch.GetTimestamp();

        /// <summary>Stops the clock and the span.</summary>
        public void Dispose()
        {
            timings?.Add(stage, Stopwatch.GetTimestamp() - _start);
            activity?.Dispose();
        }
    }
}

/// <summary>The engine's <see cref="ActivitySource"/> (name <c>FaceAspire.Vision</c>); hosts add it to their tracer.</summary>
public static class VisionTelemetry
{
    /// <summary>Source of the decode/detect/align/embed/emotion/agegender spans.</summary>
    public static readonly ActivitySource Source = new("FaceAspire.Vision");
}
