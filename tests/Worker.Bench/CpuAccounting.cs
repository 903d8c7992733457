using System.Globalization;
using FaceAspire.Measurement.Diagnostics;

namespace FaceAspire.Worker.Bench;

/// <summary>
/// Where the CPU went during a bench window (<see cref="ProcessGroupCpu"/>). Groups: the worker processes (by pid),
/// all <c>postgres</c> backends, RabbitMQ's <c>beam.smp</c>, the Api process (when the bench posts over HTTP), and
/// this process (the load generator, or the ingest itself when it calls Core's FrameIngest directly).
/// The workers' share is also split by thread: the analysis gate's threads (named <c>analysis-N</c>, ADR 0015) run
/// the vision engine, and every other thread is the pipeline's own cost (messaging, database, logging), which is the
/// part the end-to-end ratio loses to vision-only and is far steadier between runs than the total.
/// </summary>
internal sealed class CpuAccounting
{
    private readonly IReadOnlyList<int> _workerPids;
    private readonly ProcessGroupCpu _groups;
    private readonly double _analysisStart;
    private readonly ProcFs.CpuWindow _cores;

    private CpuAccounting(IReadOnlyList<int> workerPids, int? apiPid)
    {
        _workerPids = workerPids;
        var self = apiPid is null ? "bench+ingest" : "bench (client)";
        IReadOnlyList<string> names = apiPid is null
            ? ["workers", "postgres", "rabbitmq", self]
            : ["workers", "postgres", "rabbitmq", "api", self];
        _groups = new ProcessGroupCpu(names, (pid, comm) =>
            pid == Environment.ProcessId ? self
            : pid == apiPid ? "api"
            : workerPids.Contains(pid) ? "workers"
            : ProcessGroupCpu.Servers(comm));
        _analysisStart = AnalysisThreadsSeconds();
        _cores = new ProcFs.CpuWindow(Enumerable.Range(0, Environment.ProcessorCount));
    }

    /// <summary>Starts a window now.</summary>
    public static CpuAccounting Start(IReadOnlyList<int> workerPids, int? apiPid = null) => new(workerPids, apiPid);

    /// <summary>CPU milliseconds per frame of each group since <see cref="Start"/>, e.g.
    /// <c>workers 25.4 (analysis threads 22.1, other threads 3.3), postgres 4.2, … (total 35.4)</c>.</summary>
    public string PerFrame(int frames)
    {
        var ms = _groups.Elapsed().Select(g => (g.Group, Ms: 1000 * g.Seconds / frames)).ToList();
        var analysis = 1000 * (AnalysisThreadsSeconds() - _analysisStart) / frames;
        return string.Join(", ", ms.Select(p => p.Group == "workers"
                   ? string.Create(CultureInfo.InvariantCulture, $"workers {p.Ms:F1} (analysis threads {analysis:F1}, other threads {p.Ms - analysis:F1})")
                   : string.Create(CultureInfo.InvariantCulture, $"{p.Group} {p.Ms:F1}")))
               + string.Create(CultureInfo.InvariantCulture, $" (total {ms.Sum(p => p.Ms):F1})");
    }

    /// <summary>Each core's busy, idle and steal shares since <see cref="Start"/>.</summary>
    public string Cores() => _cores.Shares();

    // The gate's threads live as long as the worker, so their sums at both ends of the window are comparable.
    private double AnalysisThreadsSeconds() => _workerPids.Sum(pid =>
    {
        try
        {
            return Directory.EnumerateDirectories($"/proc/{pid}/task")
                .Select(task => ProcFs.Stat(pid, Path.GetFileName(task)))
                .Where(t => t is { } s && s.Comm.StartsWith("analysis-", StringComparison.Ordinal))
                .Sum(t => t!.Value.CpuSeconds);
        }
        catch (DirectoryNotFoundException)
        {
            return 0; // the worker exited
        }
    });
}
