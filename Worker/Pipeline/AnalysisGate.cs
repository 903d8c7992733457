using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace FaceAspire.Worker.Pipeline;

/// <summary>
/// Bounds how many vision-engine calls (detection, embedding, emotion: pure CPU work on single-threaded ONNX
/// sessions) run at once in this process to <see cref="WorkerOptions.EffectiveAnalysisSlots"/>, one per core by
/// default, while more frames than that stay in flight (<see cref="WorkerOptions.Concurrency"/>) doing their database
/// and broker round trips.
/// <para>
/// Why: without it, the frames in flight share the cores and progress at the same pace, so they finish their
/// analysis at about the same moment and then all wait on PostgreSQL and the broker together, leaving the core idle
/// (4.1–7.4 % of the workers' core in the pinned end-to-end bench, 1 × 3). With the gate, analyses run one after the
/// other per core, one frame's round trips overlap the next frame's analysis, and the core idled 0.4–1.4 %
/// (docs/performance.md, fifteenth round; ADR 0015).
/// </para>
/// </summary>
public sealed class AnalysisGate : IDisposable
{
    private readonly SemaphoreSlim _slots;

    /// <summary>A gate of <see cref="WorkerOptions.EffectiveAnalysisSlots"/> slots.</summary>
    public AnalysisGate(IOptions<WorkerOptions> options) : this(options.Value.EffectiveAnalysisSlots)
    {
    }

    /// <summary>A gate of <paramref name="slots"/> slots.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="slots"/> is below 1.</exception>
    public AnalysisGate(int slots)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        Slots = slots;
        _slots = new SemaphoreSlim(slots, slots);
    }

    /// <summary>The number of analyses that may run at once (≥ 1).</summary>
    public int Slots { get; }

    /// <summary>Slots free right now (0 to <see cref="Slots"/>); a snapshot, for diagnostics and tests.</summary>
    public int AvailableSlots => _slots.CurrentCount;

    /// <summary>
    /// Waits asynchronously for a free slot (waiters are served in arrival order), runs <paramref name="analysis"/>
    /// synchronously on the thread that resumes, and frees the slot, also when it throws. The time spent waiting is
    /// tagged on the current activity as <c>gate.wait_ms</c>.
    /// </summary>
    /// <returns>What <paramref name="analysis"/> returns.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting;
    /// the analysis did not run and no slot is held.</exception>
    public async Task<T> RunAsync<T>(Func<T> analysis, CancellationToken cancellationToken = default)
    {
        var waitStart = Stopwatch.GetTimestamp();
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        Activity.Current?.SetTag("gate.wait_ms", Math.Round(Stopwatch.GetElapsedTime(waitStart).TotalMilliseconds, 2));
        try
        {
            return analysis();
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _slots.Dispose();
}
