using System.Globalization;

namespace FaceAspire.Worker.Bench;

/// <summary>
/// Where the CPU went during a bench window: cumulative user+system CPU seconds per process group, read from
/// Linux <c>/proc/&lt;pid&gt;/stat</c> (fields 14 and 15, utime and stime, in clock ticks of 1/100 s — the kernel's
/// USER_HZ on every Linux build). Groups: the worker processes (by pid), all <c>postgres</c> backends, RabbitMQ's
/// <c>beam.smp</c>, the Api process (when the bench posts over HTTP), and this process (the load generator, or the
/// ingest itself when it calls Core's FrameIngest directly). Processes that exit inside the window are missed.
/// </summary>
internal sealed class CpuAccounting
{
    private const double TicksPerSecond = 100;
    private readonly IReadOnlyList<int> _workerPids;
    private readonly int? _apiPid;
    private readonly Dictionary<string, double> _start;
    private readonly ProcFs.CpuWindow _cores;

    private CpuAccounting(IReadOnlyList<int> workerPids, int? apiPid)
    {
        _workerPids = workerPids;
        _apiPid = apiPid;
        _start = Sample();
        _cores = new ProcFs.CpuWindow(Enumerable.Range(0, Environment.ProcessorCount));
    }

    /// <summary>Starts a window now.</summary>
    public static CpuAccounting Start(IReadOnlyList<int> workerPids, int? apiPid = null) => new(workerPids, apiPid);

    /// <summary>CPU milliseconds per frame of each group since <see cref="Start"/>, e.g. <c>workers 30.1, postgres 4.2, …</c>.</summary>
    public string PerFrame(int frames)
    {
        var end = Sample();
        var parts = end.Select(kv => (kv.Key, Ms: 1000 * (kv.Value - _start.GetValueOrDefault(kv.Key)) / frames));
        return string.Join(", ", parts.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Ms:F1}")))
               + string.Create(CultureInfo.InvariantCulture, $" (total {parts.Sum(p => p.Ms):F1})");
    }

    /// <summary>Each core's busy, idle and steal shares since <see cref="Start"/>.</summary>
    public string Cores() => _cores.Shares();

    private Dictionary<string, double> Sample()
    {
        var self = _apiPid is null ? "bench+ingest" : "bench (client)";
        var totals = new Dictionary<string, double> { ["workers"] = 0, ["postgres"] = 0, ["rabbitmq"] = 0 };
        if (_apiPid is not null)
            totals["api"] = 0;
        totals[self] = 0;
        foreach (var pid in ProcFs.Pids())
        {
            if (ReadStat(pid) is not { } stat)
                continue;
            var group = pid == Environment.ProcessId ? self
                : pid == _apiPid ? "api"
                : _workerPids.Contains(pid) ? "workers"
                : stat.Comm == "postgres" ? "postgres"
                : stat.Comm == "beam.smp" ? "rabbitmq"
                : null;
            if (group is not null)
                totals[group] += stat.CpuSeconds;
        }
        return totals;
    }

    private static (string Comm, double CpuSeconds)? ReadStat(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            var open = text.IndexOf('(');
            var close = text.LastIndexOf(')');
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
}
