using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace FaceAspire.Worker.Pipeline;

/// <summary>
/// Runs this process's vision-engine calls (detection, embedding, emotion: pure CPU work on single-threaded ONNX
/// sessions) on <see cref="WorkerOptions.EffectiveAnalysisSlots"/> threads of its own, one per core by default, in
/// arrival order, while more frames than that stay in flight (<see cref="WorkerOptions.Concurrency"/>) doing their
/// database and broker round trips on the thread pool.
/// <para>
/// Why a bound: without it, the frames in flight share the cores and progress at the same pace, so they finish their
/// analysis at about the same moment and then all wait on PostgreSQL and the broker together, leaving the core idle
/// (4.1–7.4 % of the workers' core in the pinned end-to-end bench, 1 × 3). With one analysis per core, one frame's
/// round trips overlap the next frame's analysis (docs/performance.md, fifteenth round; ADR 0015).
/// </para>
/// <para>
/// Why threads of its own: an analysis holds its thread for ~20 ms. On the thread pool, a process that sees one core
/// starts with one pool thread, and that thread, busy analysing, left the other frames' database replies waiting: the
/// core idled 7.4–8.5 % again (sixteenth round). Off the pool, those replies are handled while an analysis runs.
/// </para>
/// <para>
/// With <see cref="AnalysisScope.Host"/> (the default), each thread also takes its <see cref="HostSlot"/> for the
/// analysis, so every worker process on the same CPUs shares the slots: N processes run at most
/// <see cref="Slots"/> analyses at once between them, not N × <see cref="Slots"/>; a slot held past
/// <see cref="HostSlot.Patience"/> by a frozen process is run without.
/// </para>
/// </summary>
public sealed class AnalysisGate : IDisposable
{
    // BlockingCollection over its default ConcurrentQueue: first in, first out, and a blocking take for the threads.
    private readonly BlockingCollection<Analysis> _queue = new();
    private int _busy;

    /// <summary>A gate of <see cref="WorkerOptions.EffectiveAnalysisSlots"/> slots in <see cref="WorkerOptions.AnalysisScope"/>.</summary>
    public AnalysisGate(IOptions<WorkerOptions> options) : this(options.Value.EffectiveAnalysisSlots, options.Value.AnalysisScope)
    {
    }

    /// <summary>A gate of <paramref name="slots"/> slots: that many background threads, named <c>analysis-N</c>.</summary>
    /// <param name="slots">Analyses at once, 1 or more.</param>
    /// <param name="scope">Whether the slots are this process's alone or shared with the other processes on its CPUs.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="slots"/> is below 1.</exception>
    public AnalysisGate(int slots, AnalysisScope scope = AnalysisScope.Process)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        Slots = slots;
        for (var i = 0; i < slots; i++)
        {
            var shared = scope == AnalysisScope.Host ? new HostSlot(i) : null;
            new Thread(() => Serve(shared)) { IsBackground = true, Name = $"analysis-{i + 1}" }.Start();
        }
    }

    /// <summary>The number of analyses that may run at once (≥ 1).</summary>
    public int Slots { get; }

    /// <summary>Slots free right now (0 to <see cref="Slots"/>); a snapshot, for diagnostics and tests. An analysis's
    /// slot counts as free again before its caller's task completes.</summary>
    public int AvailableSlots => Slots - Volatile.Read(ref _busy);

    /// <summary>
    /// Queues <paramref name="analysis"/> for the gate's next free thread (served in arrival order), with the caller's
    /// execution context (its <see cref="Activity"/>, for example), and completes with its result. The caller's
    /// continuation runs on the thread pool, not on the analysis thread. The time spent waiting is tagged on the
    /// current activity as <c>gate.wait_ms</c>.
    /// </summary>
    /// <returns>What <paramref name="analysis"/> returns, or the exception it throws.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting;
    /// the analysis did not run and no slot is held.</exception>
    /// <exception cref="ObjectDisposedException">The gate has been disposed (the process is stopping).</exception>
    public Task<T> RunAsync<T>(Func<T> analysis, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<T>(cancellationToken);
        var work = new Analysis<T>(analysis, cancellationToken);
        try
        {
            _queue.Add(work, CancellationToken.None);
        }
        catch (InvalidOperationException) // adding was completed
        {
            throw new ObjectDisposedException(nameof(AnalysisGate));
        }
        return work.Task;
    }

    /// <summary>Stops taking analyses; the threads finish those already queued and end.</summary>
    // The collection itself is not disposed: its threads may still be taking from it, and it holds no native handle.
    public void Dispose() => _queue.CompleteAdding();

    private void Serve(HostSlot? shared)
    {
        using var _ = shared;
        foreach (var work in _queue.GetConsumingEnumerable())
        {
            if (!work.TryStart())
                continue;
            Interlocked.Increment(ref _busy);
            var held = shared?.Enter() ?? false;
            try
            {
                work.Run();
            }
            finally
            {
                // The slot is free before the caller sees its result, so a caller that has it never reads
                // AvailableSlots too low (it used to be freed after: fresh-clone CI, 2026-12-06).
                Interlocked.Decrement(ref _busy);
                work.Complete();
                if (held)
                    shared!.Exit();
            }
        }
    }

    private abstract class Analysis
    {
        /// <summary>False when the caller was cancelled while the analysis was queued: it must not run.</summary>
        public abstract bool TryStart();

        /// <summary>Runs the analysis and keeps its result or exception; never throws.</summary>
        public abstract void Run();

        /// <summary>Completes the caller's task with what <see cref="Run"/> kept.</summary>
        public abstract void Complete();
    }

    private sealed class Analysis<T> : Analysis
    {
        // Continuations run on the thread pool, so the analysis thread goes straight back to the queue.
        private readonly TaskCompletionSource<T> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Func<T> _analysis;
        private readonly ExecutionContext? _context = ExecutionContext.Capture();
        private readonly long _queuedAt = Stopwatch.GetTimestamp();
        private readonly CancellationTokenRegistration _cancellation;
        private T _value = default!;
        private Exception? _error;

        public Analysis(Func<T> analysis, CancellationToken cancellationToken)
        {
            _analysis = analysis;
            // A caller cancelled while queued is answered at once; the thread skips the item when it reaches it.
            _cancellation = cancellationToken.Register(() => _result.TrySetCanceled(cancellationToken));
        }

        public Task<T> Task => _result.Task;

        public override bool TryStart()
        {
            // Disposing waits for a cancellation callback that is running, so after it the outcome is settled: either
            // the caller was answered "cancelled", or it no longer can be and the analysis runs.
            _cancellation.Dispose();
            return !_result.Task.IsCompleted;
        }

        public override void Run()
        {
            if (_context is null)
                Execute();
            else
                ExecutionContext.Run(_context, static state => ((Analysis<T>)state!).Execute(), this);
        }

        private void Execute()
        {
            Activity.Current?.SetTag("gate.wait_ms", Math.Round(Stopwatch.GetElapsedTime(_queuedAt).TotalMilliseconds, 2));
            try
            {
                _value = _analysis();
            }
            catch (Exception e)
            {
                _error = e;
            }
        }

        public override void Complete()
        {
            if (_error is null)
                _result.TrySetResult(_value);
            else
                _result.TrySetException(_error);
        }
    }
}
