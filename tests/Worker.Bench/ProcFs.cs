namespace FaceAspire.Worker.Bench;

/// <summary>The running processes as Linux <c>/proc</c> lists them (for <see cref="CpuAccounting"/> and <see cref="CorePinning"/>).</summary>
internal static class ProcFs
{
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
    /// Cumulative time of one CPU from <c>/proc/stat</c>'s <c>cpuN</c> line, in USER_HZ ticks: busy (user, nice,
    /// system, irq, softirq), idle (idle, iowait) and steal (time the hypervisor ran something else while this
    /// virtual CPU wanted to run).
    /// </summary>
    public static (long Busy, long Idle, long Steal) CpuTimes(int cpu)
    {
        var line = File.ReadLines("/proc/stat").First(l => l.StartsWith($"cpu{cpu} ", StringComparison.Ordinal));
        var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        return (f[0] + f[1] + f[2] + f[5] + f[6], f[3] + f[4], f[7]);
    }

    /// <summary>Shares of <paramref name="cpu"/>'s time between two <see cref="CpuTimes"/> samples, e.g.
    /// <c>core 0: 95 % busy, 3 % idle, 2 % steal</c>.</summary>
    private static string CpuShares(int cpu, (long Busy, long Idle, long Steal) start, (long Busy, long Idle, long Steal) end)
    {
        var (busy, idle, steal) = (end.Busy - start.Busy, end.Idle - start.Idle, end.Steal - start.Steal);
        var total = Math.Max(1, busy + idle + steal);
        return FormattableString.Invariant($"core {cpu}: {100.0 * busy / total:F1} % busy, {100.0 * idle / total:F1} % idle, {100.0 * steal / total:F1} % steal");
    }

    /// <summary>A window over some CPUs' <see cref="CpuTimes"/>, from its creation to each <see cref="Shares"/> call.</summary>
    public sealed class CpuWindow(IEnumerable<int> cpus)
    {
        private readonly List<(int Cpu, (long Busy, long Idle, long Steal) Start)> _start = [.. cpus.Select(c => (c, CpuTimes(c)))];

        /// <summary>Each CPU's busy, idle and steal shares since the window opened, e.g.
        /// <c>core 0: 95.1 % busy, 3.2 % idle, 1.7 % steal; core 1: …</c>.</summary>
        public string Shares() => string.Join("; ", _start.Select(s => CpuShares(s.Cpu, s.Start, CpuTimes(s.Cpu))));
    }
}
