using System.Globalization;

namespace FaceAspire.Worker.Bench;

/// <summary>
/// Where the CPU went during a bench window: cumulative user+system CPU seconds per process group, read from
/// Linux <c>/proc/&lt;pid&gt;/stat</c> (fields 14 and 15, utime and stime, in clock ticks of 1/100 s — the kernel's
/// USER_HZ on every Linux build). Groups: the worker processes (by pid), all <c>postgres</c> backends, RabbitMQ's
/// <c>beam.smp</c>, the Api process (when the bench posts over HTTP), and this process (the load generator, or the
/// ingest itself when it calls Core's FrameIngest directly). Processes that exit inside the window are missed.
/// The workers' share is also split by thread: the analysis gate's threads (named <c>analysis-N</c>, ADR 0015) run
/// the vision engine, and every other thread is the pipeline's own cost (messaging, database, logging), which is the
/// part the end-to-end ratio loses to vision-only and is far steadier between runs than the total.
/// </summary>
internal sealed class CpuAccounting
{
    private const double TicksPerSecond = 100;
    private const string Analysis = "analysis";
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

    /// <summary>CPU milliseconds per frame of each group since <see cref="Start"/>, e.g.
    /// <c>workers 25.4 (analysis threads 22.1, other threads 3.3), postgres 4.2, … (total 35.4)</c>.</summary>
    public string PerFrame(int frames)
    {
        var end = Sample();
        var ms = end.ToDictionary(kv => kv.Key, kv => 1000 * (kv.Value - _start.GetValueOrDefault(kv.Key)) / frames);
        var analysis = ms[Analysis];
        ms.Remove(Analysis);
        return string.Join(", ", ms.Select(p => p.Key == "workers"
                   ? string.Create(CultureInfo.InvariantCulture, $"workers {p.Value:F1} (analysis threads {analysis:F1}, other threads {p.Value - analysis:F1})")
                   : string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value:F1}")))
               + string.Create(CultureInfo.InvariantCulture, $" (total {ms.Values.Sum():F1})");
    }

    /// <summary>Each core's busy, idle and steal shares since <see cref="Start"/>.</summary>
    public string Cores() => _cores.Shares();

    private Dictionary<string, double> Sample()
    {
        var self = _apiPid is null ? "bench+ingest" : "bench (client)";
        var totals = new Dictionary<string, double> { ["workers"] = 0, [Analysis] = 0, ["postgres"] = 0, ["rabbitmq"] = 0 };
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
            if (group == "workers")
                totals[Analysis] += AnalysisThreadsSeconds(pid);
        }
        return totals;
    }

    // The gate's threads live as long as the worker, so their sums at both ends of the window are comparable.
    private static double AnalysisThreadsSeconds(int pid)
    {
        try
        {
            return Directory.EnumerateDirectories($"/proc/{pid}/task")
                .Select(task => ReadStat(pid, Path.GetFileName(task)))
                .Where(t => t is { } s && s.Comm.StartsWith("analysis-", StringComparison.Ordinal))
                .Sum(t => t!.Value.CpuSeconds);
        }
        catch (DirectoryNotFoundException)
        {
            return 0; // the worker exited
        }
    }

    private static (string Comm, double CpuSeconds)? ReadStat(int pid, string? thread = null)
    {
        try
        {
            var text = File.ReadAllText(thread is null ? $"/proc/{pid}/stat" : $"/proc/{pid}/task/{thread}/stat");
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
