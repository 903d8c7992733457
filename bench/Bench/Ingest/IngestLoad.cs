using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using FaceAspire.Api.Ingest;
using FaceAspire.Testing;

namespace FaceAspire.Bench.Ingest;

/// <summary>
/// The ingest load: N DISTINCT JPEGs (one photo with a unique COM segment each, <see cref="JpegVariants"/>, so each
/// has its own sha256 and is a new frame) posted as raw <c>image/jpeg</c> bodies from C concurrent connections, then
/// accepted frames/s, latency percentiles, CPU per accepted frame and the group commit's batch size.
/// </summary>
/// <param name="http">A client with the Api's base address and key; its handler allows C connections.</param>
/// <param name="photo">The JPEG to vary.</param>
/// <param name="hosted">The Api runs in this process (its group-commit histogram can be read, and its CPU is this
/// process's).</param>
public sealed class IngestLoad(HttpClient http, byte[] photo, bool hosted)
{
    /// <summary>Posts <paramref name="n"/> frames without measuring (the warm-up); returns the number of non-202 answers.</summary>
    public async Task<int> WarmUpAsync(string run, int n, int concurrency, CancellationToken ct) =>
        (await PostAllAsync(run, n, concurrency, ct)).Failures;

    /// <summary>Posts <paramref name="n"/> frames from <paramref name="concurrency"/> connections and prints the
    /// rate, latency percentiles, CPU per frame and group-commit batch size; returns the number of non-202 answers.</summary>
    public async Task<int> MeasureAsync(string run, int n, int concurrency, CancellationToken ct)
    {
        // Images per group-commit statement, from the Api's own histogram (in-process Api only).
        long commits = 0, committed = 0;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) => { if (instrument == IngestGroupCommit.FramesPerCommit) l.EnableMeasurementEvents(instrument); },
        };
        listener.SetMeasurementEventCallback<int>((_, frames, _, _) => { Interlocked.Increment(ref commits); Interlocked.Add(ref committed, frames); });
        listener.Start();
        var cpu = OperatingSystem.IsLinux() ? new IngestCpu(hosted) : null;
        var (elapsed, latencies, failures) = await PostAllAsync(run, n, concurrency, ct);
        var cpuLine = cpu?.PerFrame(n - failures) ?? "not measured (needs Linux /proc)";
        listener.Dispose();
        Array.Sort(latencies);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ingest: {n} distinct {photo.Length / 1024.0:0.#} KB JPEGs, {concurrency} concurrent, raw image/jpeg → {http.BaseAddress}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"accepted {n - failures}/{n} in {elapsed.TotalSeconds:0.00} s = {(n - failures) / elapsed.TotalSeconds:0} frames/s; " +
            $"latency p50 {Percentile(latencies, 0.50):0.0} ms, p95 {Percentile(latencies, 0.95):0.0} ms, p99 {Percentile(latencies, 0.99):0.0} ms"));
        Console.WriteLine($"CPU ms per accepted frame: {cpuLine}");
        if (commits > 0)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"group commit: {commits} statements, {(double)committed / commits:0.0} frames each on average"));
        return failures;
    }

    private async Task<(TimeSpan Elapsed, double[] LatenciesMs, int Failures)> PostAllAsync(string run, int n, int concurrency, CancellationToken ct)
    {
        var latencies = new double[n];
        var failures = 0;
        var next = -1;
        var total = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < n)
            {
                using var content = new ByteArrayContent(JpegVariants.WithComment(photo, $"bench {run} {i}"));
                content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
                var started = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync("api/frames?source=bench", content, ct);
                latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (response.StatusCode != HttpStatusCode.Accepted && Interlocked.Increment(ref failures) <= 3)
                    await Console.Error.WriteLineAsync($"ingest: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            }
        }).ToArray();
        await Task.WhenAll(workers);
        return (total.Elapsed, latencies, failures);
    }

    private static double Percentile(double[] sorted, double p) => sorted.Length == 0 ? 0 : sorted[(int)Math.Min(sorted.Length - 1, p * sorted.Length)];
}
