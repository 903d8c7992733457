namespace FaceAspire.Measurement.Diagnostics;

/// <summary>
/// CPU seconds (user + system, <see cref="ProcFs.Stat"/>) used by named groups of processes between this window's
/// creation and each <see cref="Elapsed"/> call, e.g. <c>postgres</c> for every PostgreSQL backend. Each sample reads
/// <c>/proc/PID/stat</c> of every process (about 1 ms for 200 processes). A process that starts and exits inside the
/// window is missed; one that exits before the end loses its share (PostgreSQL backends of pooled connections live on).
/// </summary>
public sealed class ProcessGroupCpu
{
    private readonly IReadOnlyList<string> _groups;
    private readonly Func<int, string, string?> _classify;
    private readonly Dictionary<string, double> _start;

    /// <summary>Opens a window now.</summary>
    /// <param name="groups">The group names, in the order <see cref="Elapsed"/> lists them.</param>
    /// <param name="classify">A process's group from its pid and command name (<c>/proc/PID/comm</c>), or null to
    /// leave it out. <see cref="Servers"/> names PostgreSQL's and RabbitMQ's.</param>
    public ProcessGroupCpu(IReadOnlyList<string> groups, Func<int, string, string?> classify)
    {
        _groups = groups;
        _classify = classify;
        _start = Sample();
    }

    /// <summary>The group of this project's servers: <c>postgres</c> (every PostgreSQL process) and <c>rabbitmq</c>
    /// (RabbitMQ's Erlang VM, <c>beam.smp</c>); null for any other process.</summary>
    public static string? Servers(string comm) => comm switch
    {
        "postgres" => "postgres",
        "beam.smp" => "rabbitmq",
        _ => null,
    };

    /// <summary>CPU seconds of each group since the window opened, in the constructor's order (0 for a group
    /// with no process).</summary>
    public IReadOnlyList<(string Group, double Seconds)> Elapsed()
    {
        var end = Sample();
        return [.. _groups.Select(g => (g, end[g] - _start[g]))];
    }

    private Dictionary<string, double> Sample()
    {
        var totals = _groups.ToDictionary(g => g, _ => 0.0);
        foreach (var pid in ProcFs.Pids())
        {
            if (ProcFs.Stat(pid) is { } stat && _classify(pid, stat.Comm) is { } group && totals.ContainsKey(group))
                totals[group] += stat.CpuSeconds;
        }
        return totals;
    }
}
