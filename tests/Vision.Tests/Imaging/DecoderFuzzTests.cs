using System.Diagnostics;
using FaceAspire.Testing;
using Xunit.Abstractions;

namespace FaceAspire.Vision.Tests.Imaging;

/// <summary>
/// Mutation fuzzing of the real decoder (<see cref="ImageMutator"/> over real JPEGs and PNGs: bit flips, truncations,
/// chunk-length and dimension edits, marker shuffles, splices). Every case must end in an image or a typed
/// <c>ImageDecodeException</c> within 2 s, and the decoder's process must stay under 2 GB: never a crash (the driver runs
/// in its own process, FaceAspire.Vision.Fuzz, so a native crash ends it and not this run), never a hang, never another
/// exception. 2,000 cases by default; <c>FACEASPIRE_FUZZ_CASES=20000</c> is the long mode, <c>FACEASPIRE_FUZZ_SEED</c>
/// another stream. A failing case is written to artifacts/fuzz-regressions/ for a crafted corpus case to be made of it.
/// </summary>
public sealed class DecoderFuzzTests(ITestOutputHelper output)
{
    private static readonly TimeSpan CaseLimit = TimeSpan.FromSeconds(2);
    private const long MemoryLimitKb = 2L << 20;

    [Fact]
    public async Task EveryMutatedImageEndsInAnImageOrATypedErrorWithinTwoSecondsAndBoundedMemory()
    {
        var cases = int.TryParse(Environment.GetEnvironmentVariable("FACEASPIRE_FUZZ_CASES"), out var n) ? n : 2_000;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("FACEASPIRE_FUZZ_SEED"), out var s) ? s : 1;
        var failures = new List<string>();
        var outcomes = new Dictionary<string, int>();
        long peakKb = 0;
        var next = 0;
        while (next < cases)
        {
            var run = await RunDriverAsync(seed, next, cases - next, outcomes);
            peakKb = Math.Max(peakKb, run.PeakKb);
            failures.AddRange(run.Unexpected);
            if (run.Failed is { } failed)
            {
                failures.Add($"case {failed}: {run.Reason}");
                SaveRegression(seed, failed);
            }
            next = run.Failed is { } f ? f + 1 : cases;
        }
        output.WriteLine($"{cases} cases (seed {seed}): {string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}"))}; peak RSS {peakKb / 1024} MB");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.True(peakKb < MemoryLimitKb, $"the decoder's process peaked at {peakKb / 1024} MB");
        Assert.Equal(cases, outcomes.Values.Sum());
    }

    private sealed record DriverRun(int? Failed, string? Reason, List<string> Unexpected, long PeakKb);

    /// <summary>Runs the driver from <paramref name="first"/>; stops at the first case that crashes it or runs past the limit.</summary>
    private static async Task<DriverRun> RunDriverAsync(int seed, int first, int count, Dictionary<string, int> outcomes)
    {
        var dll = Path.Combine(RepositoryRoot.Find(), "tests", "Vision.Fuzz", "bin", BuiltService.Configuration, "net10.0", "FaceAspire.Vision.Fuzz.dll");
        var psi = new ProcessStartInfo("dotnet", [dll, seed.ToString(), first.ToString(), count.ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true, // libjpeg's warnings about the damage it recovered from
        };
        using var driver = Process.Start(psi)!;
        _ = driver.StandardError.ReadToEndAsync();
        var unexpected = new List<string>();
        int? open = null;
        long peakKb = 0;
        var started = Stopwatch.StartNew();
        while (true)
        {
            var read = driver.StandardOutput.ReadLineAsync();
            var limit = open is null ? TimeSpan.FromSeconds(60) : CaseLimit; // start-up, then each case
            if (await Task.WhenAny(read, Task.Delay(limit - started.Elapsed > TimeSpan.Zero ? limit - started.Elapsed : TimeSpan.Zero)) != read)
            {
                driver.Kill();
                return new DriverRun(open, $"no result within {limit.TotalSeconds} s (hang)", unexpected, peakKb);
            }
            var line = await read;
            if (line is null)
            {
                await driver.WaitForExitAsync();
                return open is { } crashed
                    ? new DriverRun(crashed, $"the decoder's process died (exit {driver.ExitCode})", unexpected, peakKb)
                    : new DriverRun(null, null, unexpected, peakKb);
            }
            peakKb = Math.Max(peakKb, PeakKb(driver.Id));
            var parts = line.Split(' ', 4);
            if (parts[0] == "B")
            {
                open = int.Parse(parts[1]);
                started.Restart();
            }
            else if (parts[0] == "E")
            {
                open = null;
                var outcome = parts[3].StartsWith("ok", StringComparison.Ordinal) ? "ok" : parts[3].Split(' ')[0];
                outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
                if (outcome == "UNEXPECTED")
                    unexpected.Add($"case {parts[1]}: {parts[3]}");
            }
        }
    }

    /// <summary>The process's peak resident set (VmHWM), in KB; 0 once it is gone.</summary>
    private static long PeakKb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private void SaveRegression(int seed, int index)
    {
        var dir = Path.Combine(RepositoryRoot.Find(), "artifacts", "fuzz-regressions");
        Directory.CreateDirectory(dir);
        var (data, description) = new ImageMutator(FuzzSeeds.Load(), seed).Case(index);
        var path = Path.Combine(dir, $"seed{seed}-case{index}.bin");
        File.WriteAllBytes(path, data);
        output.WriteLine($"saved {path} ({description})");
    }
}
