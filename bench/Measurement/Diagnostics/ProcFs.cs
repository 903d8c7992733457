using System.Globalization;

namespace FaceAspire.Measurement.Diagnostics;

/// <summary>
/// The running processes and CPUs as Linux <c>/proc</c> shows them, for the benchmarks' CPU accounting (the bench
/// commands print where each frame's CPU went). Times are in USER_HZ clock ticks of 1/100 s, the kernel's value on
/// every Linux build. On other systems (no <c>/proc</c>) every call throws <see cref="DirectoryNotFoundException"/>
/// or <see cref="FileNotFoundException"/>.
/// </summary>
public static class ProcFs
{
    /// <summary>Clock ticks per second of every time in <c>/proc/stat</c> and <c>/proc/PID/stat</c> (USER_HZ).</summary>
    public const double TicksPerSecond = 100;

    /// <summary>Every process id under <c>/proc</c> at the moment of the listing.</summary>
    public static IEnumerable<int> Pids() => Directory.EnumerateDirectories("/proc")
        .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
        .Where(pid => pid > 0);

    /// <summary>The process's command name (<c>/proc/PID/comm</c>, e.g. <c>postgres</c>), or null once it has exited.</summary>
    public static string? Comm(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/comm").Trim(); }
        catch (IOException) { return null; }
    }

    /// <summary>
    /// A process's (or, with <paramref name="thread"/>, one of its threads') command name and cumulative user +
    /// system CPU seconds (fields 14 and 15 of <c>/proc/PID/stat</c>), or null once it has exited or is not readable.
    /// </summary>
    public static (string Comm, double CpuSeconds)? Stat(int pid, string? thread = null)
    {
        try
        {
            var text = File.ReadAllText(thread is null ? $"/proc/{pid}/stat" : $"/proc/{pid}/task/{thread}/stat");
            var open = text.IndexOf('(');
            var close = text.LastIndexOf(')'); // the command name may itself hold ')' or spaces
            // After "pid (comm) ": state is field 3, so utime (field 14) is index 11 of the rest.
            var fields = text[(close + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return (text[(open + 1)..close], ticks / TicksPerSecond);
        }
        catch (IOException)
        {
            return null; // the process exited between listing and reading
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Cumulative time of one CPU (or, with <paramref name="cpu"/> null, of all CPUs together) from <c>/proc/stat</c>,
    /// in USER_HZ ticks: busy (user, nice, system, irq, softirq), idle (idle, iowait) and steal (time the hypervisor
    /// ran something else while this virtual CPU wanted to run).
    /// </summary>
    public static CpuTicks CpuTimes(int? cpu)
    {
        var prefix = cpu is null ? "cpu " : $"cpu{cpu} ";
        var line = File.ReadLines("/proc/stat").First(l => l.StartsWith(prefix, StringComparison.Ordinal));
        var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        return new CpuTicks(f[0] + f[1] + f[2] + f[5] + f[6], f[3] + f[4], f[7]);
    }

    /// <summary>Busy, idle and steal time of a CPU in USER_HZ ticks (<see cref="CpuTimes"/>); subtract two samples
    /// for the time between them.</summary>
    public readonly record struct CpuTicks(long Busy, long Idle, long Steal)
    {
        /// <summary>The ticks between two samples (<paramref name="end"/> taken after <paramref name="start"/>).</summary>
        public static CpuTicks operator -(CpuTicks end, CpuTicks start) =>
            new(end.Busy - start.Busy, end.Idle - start.Idle, end.Steal - start.Steal);

        /// <summary><paramref name="ticks"/> as a percentage (0–100) of busy + idle + steal (at least 1 tick).</summary>
        public double Percent(long ticks) => 100.0 * ticks / Math.Max(1, Busy + Idle + Steal);
    }

    /// <summary>Shares of <paramref name="cpu"/>'s time between two <see cref="CpuTimes"/> samples, e.g.
    /// <c>core 0: 95 % busy, 3 % idle, 2 % steal</c>.</summary>
    private static string CpuShares(int cpu, CpuTicks start, CpuTicks end)
    {
        var d = end - start;
        return FormattableString.Invariant($"core {cpu}: {d.Percent(d.Busy):F1} % busy, {d.Percent(d.Idle):F1} % idle, {d.Percent(d.Steal):F1} % steal");
    }

    /// <summary>A window over some CPUs' <see cref="CpuTimes"/>, from its creation to each <see cref="Shares"/> call.</summary>
    public sealed class CpuWindow(IEnumerable<int> cpus)
    {
        private readonly List<(int Cpu, CpuTicks Start)> _start = [.. cpus.Select(c => (c, CpuTimes(c)))];

        /// <summary>Each CPU's busy, idle and steal shares since the window opened, e.g.
        /// <c>core 0: 95.1 % busy, 3.2 % idle, 1.7 % steal; core 1: …</c>.</summary>
        public string Shares() => string.Join("; ", _start.Select(s => CpuShares(s.Cpu, s.Start, CpuTimes(s.Cpu))));
    }
}
