using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using FaceAspire.Measurement.Diagnostics;
using FaceAspire.Testing;

namespace FaceAspire.Worker.Bench;

/// <summary>The vision-only reference: the bench project's <c>vision --seconds S</c> (built beside this one), parsed.</summary>
internal static partial class VisionBench
{
    /// <summary>Frames/s of the single-face 640×480 set with 2 threads, or, with <paramref name="pinned"/>, with
    /// 1 thread on <see cref="CorePinning.WorkerCore"/> alone (<c>taskset -c</c>).</summary>
    /// <exception cref="InvalidOperationException">The bench failed or printed no such line.</exception>
    public static double Run(int seconds, bool pinned = false)
    {
        var psi = new ProcessStartInfo(pinned ? "taskset" : "dotnet") { RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = RepositoryRoot.Find() };
        var command = new[] { BuiltService.Dll("bench/Bench"), "vision", "--seconds", seconds.ToString(CultureInfo.InvariantCulture) };
        foreach (var a in pinned ? ["-c", CorePinning.Cpus(CorePinning.WorkerCore), "dotnet", .. command] : command)
            psi.ArgumentList.Add(a);
        var threads = pinned ? "1 thread(s)" : "2 thread(s)";
        var cores = new ProcFs.CpuWindow(Enumerable.Range(0, Environment.ProcessorCount).Where(c => !pinned || c == CorePinning.WorkerCore));
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var shares = cores.Shares();
        foreach (var line in output.Split('\n'))
        {
            if (line.StartsWith("single-face", StringComparison.Ordinal) && line.Contains(threads, StringComparison.Ordinal))
            {
                Console.WriteLine($"  {line.Trim()} [{shares}, whole run]");
                return double.Parse(FramesPerSecond().Match(line).Groups[1].Value, CultureInfo.InvariantCulture);
            }
        }
        throw new InvalidOperationException($"The vision bench exited {process.ExitCode} without a single-face line for {threads}:\n{output}");
    }

    [GeneratedRegex(@": ([0-9.]+) frames/s")]
    private static partial Regex FramesPerSecond();
}
