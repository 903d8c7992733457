using System.Diagnostics;
using FaceAspire.Core.Contracts;
using FaceAspire.Worker.IntegrationTests.Support;

namespace FaceAspire.Worker.Bench;

/// <summary>Frame accepted (Core's FrameIngest + AnalyzeFrame sent) → rows committed (status done), real processes.</summary>
internal static class EndToEnd
{
    /// <summary>
    /// Frames/s over <paramref name="frames"/> minus the first <paramref name="warmupFrames"/>, on a fresh database
    /// and vhost. The warm-up matters: a fresh worker's tiered JIT recompiles hot code in the background for its
    /// first ~20 s (measured with perf: 25 % of both cores during seconds 10–18), which a long-running worker does not pay.
    /// </summary>
    public static async Task<double> RunAsync(List<byte[]> frames, int warmupFrames, int workers, int concurrency)
    {
        var fx = new PipelineFixture();
        await fx.InitializeAsync();
        try
        {
            for (var i = 0; i < workers; i++)
                await fx.StartWorkerAsync($"worker-{i}", concurrency);
            // Warm-up: first ONNX runs, JIT tiering, connection pools.
            var warm = new List<Guid>();
            foreach (var f in frames.Take(warmupFrames))
                warm.Add(await fx.IngestAndSendAsync(f, "bench"));
            await fx.WaitSettledAsync(warm, TimeSpan.FromMinutes(2));

            var cpu = CpuAccounting.Start([.. fx.Workers.Select(w => w.Pid)]);
            var sw = Stopwatch.StartNew();
            var ids = new List<Guid>();
            foreach (var f in frames.Skip(warmupFrames))
                ids.Add(await fx.IngestAndSendAsync(f, "bench"));
            var accepted = sw.Elapsed;
            while (true)
            {
                var counts = await fx.StatusCountsAsync(ids);
                if (counts.GetValueOrDefault(FrameStatus.Done) + counts.GetValueOrDefault(FrameStatus.Failed) == ids.Count)
                    break;
                if (sw.Elapsed > TimeSpan.FromMinutes(10))
                    throw new TimeoutException("bench frames did not finish in 10 minutes");
                await Task.Delay(50);
            }
            var elapsed = sw.Elapsed.TotalSeconds;
            var failed = (await fx.StatusCountsAsync(ids)).GetValueOrDefault(FrameStatus.Failed);
            Console.WriteLine($"  {ids.Count} frames accepted in {accepted.TotalSeconds:F1} s, all committed after {elapsed:F1} s ({failed} failed)");
            Console.WriteLine($"  CPU ms per frame: {cpu.PerFrame(ids.Count)}");
            return ids.Count / elapsed;
        }
        finally
        {
            await ((Xunit.IAsyncLifetime)fx).DisposeAsync();
        }
    }
}
