using System.Diagnostics;
using System.Globalization;

namespace FaceAspire.Worker.Pipeline;

/// <summary>
/// One analysis slot shared by every worker process on this machine (or container) that runs on the same CPUs: a
/// system-wide named <see cref="Mutex"/>, <c>Global\faceaspire-analysis-&lt;affinity mask&gt;-&lt;index&gt;</c>. .NET
/// implements named mutexes on Linux as robust pthread mutexes in shared memory (under <c>/tmp/.dotnet/shm</c>), so a
/// process killed while it holds one hands it to the next waiter.
/// <para>
/// Why: several worker processes on the same cores each run one analysis per core, so their analyses share the cores
/// and switch between address spaces every few milliseconds. Two processes on one core used a median of 28.5 ms of
/// worker CPU per frame that way, against 25.4 ms when they took turns through these slots (docs/performance.md,
/// sixteenth round; ADR 0016).
/// </para>
/// <para>
/// A mutex belongs to the thread that took it: <see cref="Enter"/> and <see cref="Exit"/> must run on the same
/// thread, which the gate's own threads do.
/// </para>
/// </summary>
public sealed class HostSlot : IDisposable
{
    private readonly Mutex _mutex;

    /// <summary>Opens (or creates) slot <paramref name="index"/> of the CPU set this process may run on.</summary>
    /// <param name="index">0 to the slot count − 1: the gate's thread number.</param>
    /// <exception cref="InvalidOperationException">The system would not create the named mutex (for example, no
    /// writable <c>/tmp</c>); the message names the setting that avoids it.</exception>
    public HostSlot(int index)
    {
        Name = $@"Global\faceaspire-analysis-{AffinityMask()}-{index.ToString(CultureInfo.InvariantCulture)}";
        try
        {
            _mutex = new Mutex(initiallyOwned: false, Name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or WaitHandleCannotBeOpenedException)
        {
            throw new InvalidOperationException(
                $"Host-wide analysis slots need the named mutex {Name}, which could not be opened ({e.Message}); set Worker:AnalysisScope to Process.", e);
        }
    }

    /// <summary>The mutex's name: processes on other CPU sets use other names and never wait for each other.</summary>
    public string Name { get; }

    /// <summary>
    /// How long <see cref="Enter"/> waits for a slot another process holds: 5 s, far longer than an analysis (tens of
    /// milliseconds; seconds for a crowd of hundreds of faces) and far shorter than RabbitMQ's consumer timeout. A holder
    /// that keeps it longer is frozen (SIGSTOP, a debugger, a suspended container): the chaos run saw one paused worker
    /// stall its sibling's analyses until the broker's consumer timeout closed the sibling's channel too.
    /// </summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Blocks until this thread holds the slot (true), or for at most <see cref="Patience"/> (false: the caller runs its
    /// analysis without the slot, since sharing the cores is an optimisation, never a condition for progress).
    /// </summary>
    public bool Enter()
    {
        try
        {
            return _mutex.WaitOne(Patience);
        }
        catch (AbandonedMutexException)
        {
            // Its holder died (a killed worker): the slot is ours now, and what the holder was doing is not shared state.
            return true;
        }
    }

    /// <summary>
    /// Frees the slot (call it only after an <see cref="Enter"/> that returned true), then yields the core. A freed mutex goes to whichever thread asks first: without the yield, this
    /// thread would take it again for its next analysis before the waiting process had run.
    /// </summary>
    public void Exit()
    {
        _mutex.ReleaseMutex();
        Thread.Yield();
    }

    /// <inheritdoc />
    public void Dispose() => _mutex.Dispose();

    // The CPUs this process may use, as a hexadecimal mask (Linux: sched_getaffinity; at most 64 CPUs); "all" where
    // .NET cannot read it (macOS), so every process there shares one set of slots.
    private static string AffinityMask()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsWindows())
            return "all";
        using var self = Process.GetCurrentProcess();
        return ((long)self.ProcessorAffinity).ToString("x", CultureInfo.InvariantCulture);
    }
}
