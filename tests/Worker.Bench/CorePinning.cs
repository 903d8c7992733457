using System.Diagnostics;
using System.Globalization;

namespace FaceAspire.Worker.Bench;

/// <summary>
/// <c>--pin</c>: the deployment the "horizontally scaled workers" describes, on one machine: the worker
/// processes get CPU 0 to themselves, and PostgreSQL, RabbitMQ, the Api and this bench (the HTTP client) share CPU 1.
/// The vision-only reference is then the vision bench pinned to CPU 0 with 1 thread, so the ratio compares the same one
/// core with and without the pipeline around it. The workers and the Api are started under util-linux
/// <c>taskset -c</c>, like the vision-only run, so they see one CPU from the start; the PostgreSQL and RabbitMQ
/// containers are created with that CPU set (<see cref="FaceAspire.Testing.TestInfrastructure.ContainerCpus"/>);
/// this process is pinned with <c>taskset -a -p</c> (every thread) while a configuration runs.
/// </summary>
internal static class CorePinning
{
    /// <summary>The core the workers (and the pinned vision-only run) get.</summary>
    public const int WorkerCore = 0;

    /// <summary>The core everything else shares.</summary>
    public const int InfraCore = 1;

    /// <summary>The <c>taskset</c> CPU list of <paramref name="core"/>, for processes started on it.</summary>
    public static string Cpus(int core) => core.ToString(CultureInfo.InvariantCulture);

    /// <summary>Pins this process (the HTTP client) to <see cref="InfraCore"/>.</summary>
    /// <exception cref="InvalidOperationException">taskset failed (e.g. the machine has one core).</exception>
    public static void PinServers() => Pin(Environment.ProcessId, InfraCore);

    /// <summary>Gives this process every core again.</summary>
    public static void Release() => Pin(Environment.ProcessId, -1);

    private static void Pin(int pid, int core)
    {
        var cpus = core < 0 ? $"0-{Environment.ProcessorCount - 1}" : Cpus(core);
        var psi = new ProcessStartInfo("taskset") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-a", "-p", "-c", cpus, pid.ToString(CultureInfo.InvariantCulture) })
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"taskset -a -p -c {cpus} {pid} exited {process.ExitCode}: {error}");
    }
}
