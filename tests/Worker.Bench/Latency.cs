namespace FaceAspire.Worker.Bench;

/// <summary>The latency percentiles the bench prints.</summary>
internal static class Latency
{
    /// <summary>
    /// <c>"p50 X ms, p95 Y ms"</c> of <paramref name="ms"/> (milliseconds, at least one), which it sorts in place:
    /// the values at indices ⌊n/2⌋ and ⌊0.95·n⌋.
    /// </summary>
    public static string P50P95(double[] ms)
    {
        Array.Sort(ms);
        return $"p50 {ms[ms.Length / 2]:F2} ms, p95 {ms[(int)(ms.Length * 0.95)]:F2} ms";
    }
}
