using System.Globalization;
using FaceAspire.Measurement.Diagnostics;

namespace FaceAspire.Bench.Ingest;

/// <summary>
/// The CPU behind an ingest run: this process (the load generator, and the Api when hosted here), PostgreSQL and
/// RabbitMQ (their containers' processes are visible in /proc), in milliseconds per accepted frame, then every process
/// on the machine together and the hypervisor's steal share. It shows where the work is, and with a concurrency sweep
/// whether a rate is bound by CPU or by latency. It moves with the VM's speed as the rate does, so binaries are
/// compared alternated, on fresh instances.
/// </summary>
internal sealed class IngestCpu
{
    private readonly ProcessGroupCpu _groups;
    private readonly ProcFs.CpuTicks _machine = ProcFs.CpuTimes(cpu: null);

    /// <summary>Opens the window now; <paramref name="hosted"/>: the Api runs in this process.</summary>
    public IngestCpu(bool hosted)
    {
        var self = hosted ? "api + client" : "client";
        _groups = new ProcessGroupCpu([self, "postgres", "rabbitmq"],
            (pid, comm) => pid == Environment.ProcessId ? self : ProcessGroupCpu.Servers(comm));
    }

    /// <summary>e.g. <c>api + client 1.1, postgres 0.9, rabbitmq 0.2 (all processes 2.3; 1.2 % steal)</c>.</summary>
    public string PerFrame(int frames)
    {
        var groups = _groups.Elapsed();
        var machine = ProcFs.CpuTimes(cpu: null) - _machine;
        double PerFrame(double seconds) => 1000 * seconds / Math.Max(1, frames);
        return string.Join(", ", groups.Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Group} {PerFrame(g.Seconds):0.00}")))
               + string.Create(CultureInfo.InvariantCulture,
                   $" (all processes {PerFrame(machine.Busy / ProcFs.TicksPerSecond):0.00}; {machine.Percent(machine.Steal):0.0} % steal)");
    }
}
