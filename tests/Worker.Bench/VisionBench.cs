using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using FaceAspire.Testing;

namespace FaceAspire.Worker.Bench;

/// <summary>The vision-only reference: <c>dotnet run --project Cli -c Release -- bench --seconds S</c>, parsed.</summary>
internal static partial class VisionBench
{
    /// <summary>Frames/s of the single-face 640×480 set with 2 threads.</summary>
    /// <exception cref="InvalidOperationException">The Cli failed or printed no such line.</exception>
    public static double Run(int seconds)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = RepositoryRoot.Find() };
        foreach (var a in new[] { "run", "--project", "Cli", "-c", "Release", "--", "bench", "--seconds", seconds.ToString(CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        foreach (var line in output.Split('\n'))
        {
            if (line.StartsWith("single-face", StringComparison.Ordinal) && line.Contains("2 thread(s)", StringComparison.Ordinal))
            {
                Console.WriteLine("  " + line.Trim());
                return double.Parse(FramesPerSecond().Match(line).Groups[1].Value, CultureInfo.InvariantCulture);
            }
        }
        throw new InvalidOperationException($"Cli bench exited {process.ExitCode} without a 2-thread single-face line:\n{output}");
    }

    [GeneratedRegex(@": ([0-9.]+) frames/s")]
    private static partial Regex FramesPerSecond();
}
