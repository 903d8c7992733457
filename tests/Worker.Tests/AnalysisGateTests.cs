using FaceAspire.Worker.Pipeline;

namespace FaceAspire.Worker.Tests;

/// <summary>
/// <see cref="AnalysisGate"/>: at most its slot count of analyses run at once, a slot comes back when an analysis
/// throws, and a caller cancelled while waiting neither runs nor takes a slot.
/// </summary>
public sealed class AnalysisGateTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task OneSlotRunsTheAnalysesOneAtATime()
    {
        using var gate = new AnalysisGate(1);
        using var overlapped = new ManualResetEventSlim();
        var running = 0;
        bool Analysis()
        {
            if (Interlocked.Increment(ref running) > 1)
                overlapped.Set();
            // Stay inside for a while (the models' CPU time, on the caller's thread), long enough for the thread pool
            // to start another caller: a gate that admitted it would set the event.
            overlapped.Wait(TimeSpan.FromMilliseconds(300));
            Interlocked.Decrement(ref running);
            return overlapped.IsSet;
        }

        var overlaps = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => OnItsOwnThread(() => gate.RunAsync(Analysis))));

        Assert.Equal([false, false, false], overlaps);
    }

    [Fact]
    public async Task TwoSlotsLetTwoAnalysesRunTogether()
    {
        using var gate = new AnalysisGate(2);
        using var both = new Barrier(2);

        // Each analysis waits for the other one to be running too: this completes only if the gate admits both at once.
        var pair = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => OnItsOwnThread(() => gate.RunAsync(() => both.SignalAndWait(Patience)))));

        Assert.Equal([true, true], pair);
    }

    [Fact]
    public async Task AnAnalysisThatThrowsGivesItsSlotBack()
    {
        using var gate = new AnalysisGate(1);

        await Assert.ThrowsAsync<InvalidOperationException>(() => gate.RunAsync<int>(() => throw new InvalidOperationException("undecodable")));
        var next = gate.RunAsync(() => 42);

        Assert.Same(next, await Task.WhenAny(next, Task.Delay(Patience)));
        Assert.Equal(42, await next);
    }

    [Fact]
    public async Task ACallerCancelledWhileWaitingDoesNotRunAndTakesNoSlot()
    {
        using var gate = new AnalysisGate(1);
        using var release = new ManualResetEventSlim();
        var holder = OnItsOwnThread(() => gate.RunAsync(() => release.Wait(Patience)));
        while (!holder.IsCompleted && gate.AvailableSlots > 0)
            await Task.Delay(1);
        using var cancel = new CancellationTokenSource();
        var ran = false;

        var waiting = gate.RunAsync(() => ran = true, cancel.Token);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        release.Set();
        Assert.True(await holder);
        Assert.False(ran);
        Assert.Equal(1, gate.AvailableSlots);
    }

    [Fact]
    public void ASlotCountBelowOneIsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new AnalysisGate(0));

    // A dedicated thread per caller, as each worker slot is a thread while it analyses: thread-pool work items queued
    // from a test can run one after another on one pool thread, and then nothing would ever overlap.
    private static Task<T> OnItsOwnThread<T>(Func<Task<T>> caller) =>
        Task.Factory.StartNew(caller, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
}
