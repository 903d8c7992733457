using System.CommandLine;
using System.Diagnostics;
using FaceAspire.Bench.Frames;
using FaceAspire.Cli;
using FaceAspire.Cli.CommandLine;
using FaceAspire.Testing;
using FaceAspire.Vision;
using FaceAspire.Vision.Onnx;

namespace FaceAspire.Bench.Commands;

/// <summary>
/// <c>vision [--seconds N] [--warmup N] [--frames DIR] [--group FILE] [--threads 1|2|1,2] [--emotion MODEL] [--no-flip]</c>:
/// for a 640 × 480 single-face frame set and a group photo, frames/s and faces/s with 1 and 2 threads (or those given),
/// per-stage ms, the models' raw Run() sum, pipeline overhead over it, and memory (working set at the start and end of
/// each run, and the process peak). Each run is preceded by <c>--warmup</c> seconds (default 1) of the same work on one
/// thread. <c>--no-flip</c> embeds each face once instead of with its mirror (bench/compare-vision.sh uses it to
/// compare like with like against a build from before flip averaging). The vision-only reference of the end-to-end
/// bench (tests/Worker.Bench) parses its single-face line.
/// </summary>
public static class VisionCommand
{
    /// <summary>The command and its options.</summary>
    public static Command Create()
    {
        var seconds = CliOptions.Int("--seconds", "Measured seconds per workload and thread count", 5, min: 1);
        var warmup = CliOptions.Int("--warmup", "Seconds of the same work on one thread before each measurement", 1, min: 0);
        var frames = CliOptions.ExistingFolder("--frames", "Photos to make the single-face 640x480 frames from [default: the identity sets of ../shared/data]");
        var group = CliOptions.ExistingFile("--group", "The group photo [default: ../shared/data/groups/selfie-many-people.jpg]");
        var threads = CliOptions.IntList("--threads", "Thread counts to measure, each a run of its own", [1, 2], min: 1, max: 64);
        var emotion = Engine.EmotionOption();
        var noFlip = new Option<bool>("--no-flip") { Description = "Embed each face once, without its mirror (the work of the engine before flip averaging)" };
        var command = new Command("vision", "Vision throughput: frames/s and faces/s, ms per stage, raw model time, memory")
        {
            seconds, warmup, frames, group, threads, emotion, noFlip,
        };
        Engine.AddChecks(command, emotion);
        command.SetAction(r => Run(r.GetValue(seconds), r.GetValue(warmup), r.GetValue(frames), r.GetValue(group), threads.ValueOf(r),
            r.GetValue(emotion), !r.GetValue(noFlip)));
        return command;
    }

    /// <summary>Runs the benchmark and prints the figures; exit 0.</summary>
    public static int Run(int seconds, int warmupSeconds, string? framesFolder, string? groupPhoto, int[] threadCounts, string? emotion, bool flipAveraging)
    {
        var warmup = TimeSpan.FromSeconds(warmupSeconds);
        // One intra-op thread per session: parallelism comes from frames in flight, as in the worker.
        using var analyzer = Engine.Create(emotion, intraOpThreads: 1, flipAveraging: flipAveraging);
        Console.WriteLine($"ONNX Runtime {analyzer.RuntimeVersion} on {analyzer.Provider}; models: {string.Join(", ", analyzer.Sessions.Select(s => s.Model.Name))}; " +
            $"embedding {analyzer.EmbeddingModel}; {Environment.ProcessorCount} cores");
        var single = SingleFaceFrames.Build(analyzer, framesFolder);
        var group = new List<byte[]> { File.ReadAllBytes(groupPhoto ?? SharedData.PathOf("groups/selfie-many-people.jpg")) };
        var raw = RawRunTimes(analyzer);
        Console.WriteLine("raw Run() per call (1 thread): " + string.Join(", ", raw.Select(r => $"{r.Key} {r.Value:F2} ms")));
        var groupName = Path.GetFileName(groupPhoto ?? "selfie-many-people.jpg");
        foreach (var (name, frames) in new[] { ($"single-face 640x480 ({single.Count} frames)", single), ($"group {groupName}", group) })
        {
            foreach (int threads in threadCounts)
                Measure(analyzer, name, frames, threads, seconds, warmup, raw);
        }
        Console.WriteLine($"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:F0} MB");
        return ExitCodes.Ok;
    }

    private static void Measure(FaceAnalyzer analyzer, string name, List<byte[]> frames, int threads, int seconds, TimeSpan warmup,
        Dictionary<string, double> raw)
    {
        var timings = new StageTimings();
        // Warm up by time, not by a few frames: ONNX Runtime's first runs grow its arenas, and a build with tiered
        // compilation on (the bench has it off, as the Worker) runs unoptimised code for about the first second.
        var warming = Stopwatch.StartNew();
        for (var i = 0; i < 4 || warming.Elapsed < warmup; i++)
            analyzer.Analyze(frames[i % frames.Count]);
        GC.Collect();
        long wsStart = Process.GetCurrentProcess().WorkingSet64;
        double runStart = analyzer.Sessions.Sum(s => s.Session.TotalRunTime.TotalMilliseconds);
        long frameCount = 0, faceCount = 0;
        var sw = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        var workers = Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            for (int i = t; sw.Elapsed < deadline; i += threads)
            {
                var result = analyzer.Analyze(frames[i % frames.Count], AnalysisRequest.Full, timings);
                Interlocked.Increment(ref frameCount);
                Interlocked.Add(ref faceCount, result.Faces.Count);
            }
        })).ToArray();
        Task.WaitAll(workers);
        double elapsed = sw.Elapsed.TotalSeconds;
        long wsEnd = Process.GetCurrentProcess().WorkingSet64;
        double perFrame(Stage s) => timings.TotalMilliseconds(s) / frameCount;
        double facesPerFrame = (double)faceCount / frameCount;
        double isolatedSum = raw["detect"] + facesPerFrame * (raw.GetValueOrDefault("embed") + raw.GetValueOrDefault("emotion") + raw.GetValueOrDefault("agegender"));
        // Time inside ORT's Run during this very run, per frame: the fair floor for "our overhead".
        double rawSum = (analyzer.Sessions.Sum(s => s.Session.TotalRunTime.TotalMilliseconds) - runStart) / frameCount;
        double pipelineMs = Enum.GetValues<Stage>().Sum(perFrame);
        Console.WriteLine();
        Console.WriteLine($"{name}, {threads} thread(s), {elapsed:F1} s: {frameCount / elapsed:F1} frames/s, {faceCount / elapsed:F1} faces/s ({facesPerFrame:F1} faces/frame)");
        Console.WriteLine("  per frame ms: " + string.Join("  ", Enum.GetValues<Stage>().Select(s => $"{s.ToString().ToLowerInvariant()} {perFrame(s):F2}")) + $"  total {pipelineMs:F2}");
        Console.WriteLine($"  raw Run() sum {rawSum:F2} ms/frame inside the pipeline ({isolatedSum:F2} when each model runs alone, back to back); pipeline overhead {(pipelineMs / rawSum - 1) * 100:F1} %");
        Console.WriteLine($"  working set {wsStart / 1048576.0:F0} MB → {wsEnd / 1048576.0:F0} MB");
    }

    // Times each model's bare Run() on a tensor of its real input shape (the detector at 640 × 480).
    private static Dictionary<string, double> RawRunTimes(FaceAnalyzer analyzer)
    {
        var result = new Dictionary<string, double>();
        foreach (var (model, session) in analyzer.Sessions)
        {
            var p = model.Preprocessing!;
            long[] shape = model.Task == "detection" ? [1, 3, 480, 640] : [1, p.Color == "GRAY" ? 1 : 3, p.Height ?? 112, p.Width ?? 112];
            var input = new float[shape.Aggregate(1L, (a, b) => a * b)];
            for (int i = 0; i < input.Length; i++) input[i] = (i % 255) / 255f;
            for (int i = 0; i < 5; i++) session.Run(input, shape).Dispose();
            int n = model.Task == "detection" ? 50 : 200;
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < n; i++) session.Run(input, shape).Dispose();
            string key = model.Task switch { "detection" => "detect", "embedding" => "embed", "age" or "gender" => "agegender", var t => t };
            result[key] = result.GetValueOrDefault(key) + sw.Elapsed.TotalMilliseconds / n;
        }
        return result;
    }
}
