using System.Diagnostics;
using System.Globalization;
using FaceAspire.Core.Diagnostics;

namespace FaceAspire.Worker.Bench;

/// <summary>
/// <c>--pin</c>: the deployment the "horizontally scaled workers" describes, on one machine: the worker
/// processes get CPU 0 to themselves, and PostgreSQL, RabbitMQ (beam.smp, epmd), the Api and this bench (the HTTP
/// client) share CPU 1. The vision-only reference is then the Cli bench pinned to CPU 0 with 1 thread, so the ratio
/// compares the same one core with and without the pipeline around it. The workers and the Api are started under
/// util-linux <c>taskset -c</c>, like the vision-only run, so they see one CPU from the start; the servers, already
/// running, are pinned with <c>taskset -a -p</c> (every thread of the process), and threads and PostgreSQL backends
/// started later inherit it from their creator (the postmaster is pinned too).
/// </summary>
internal static class CorePinning
{
    /// <summary>The core the workers (and the pinned vision-only run) get.</summary>
    public const int WorkerCore = 0;

    /// <summary>The core everything else shares.</summary>
    public const int InfraCore = 1;

    /// <summary>The <c>taskset</c> CPU list of <paramref name="core"/>, for processes started on it.</summary>
    public static string Cpus(int core) => core.ToString(CultureInfo.InvariantCulture);

    /// <summary>Pins every postgres, beam.smp, epmd process and this process to <see cref="InfraCore"/> (the
    /// workers and the Api are started on their cores instead: <see cref="Cpus"/>).</summary>
    /// <exception cref="InvalidOperationException">taskset failed (e.g. the machine has one core).</exception>
    public static void PinServers()
    {
        foreach (var pid in InfraPids())
            Pin(pid, InfraCore);
    }

    /// <summary>Gives the servers and this process every core again, so the next configuration starts unpinned.</summary>
    public static void Release()
    {
        foreach (var pid in InfraPids())
            Pin(pid, -1);
    }

    private static IEnumerable<int> InfraPids() => ProcFs.Pids()
        .Where(pid => ProcFs.Comm(pid) is "postgres" or "beam.smp" or "epmd" or "erl_child_setup" or "inet_gethost")
        .Append(Environment.ProcessId)
        .ToList();

    private static void Pin(int pid, int core)
    {
        var cpus = core < 0 ? $"0-{Environment.ProcessorCount - 1}" : Cpus(core);
        var psi = new ProcessStartInfo("taskset") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-a", "-p", "-c", cpus, pid.ToString(CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0 && ProcFs.Comm(pid) is not null) // a process that exited meanwhile is not an error
            throw new InvalidOperationException($"taskset -a -p -c {cpus} {pid} exited {process.ExitCode}: {error}");
    }
}
