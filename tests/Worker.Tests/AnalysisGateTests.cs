using System.Diagnostics;
using FaceAspire.Worker.Pipeline;

namespace FaceAspire.Worker.Tests;

/// <summary>
/// <see cref="AnalysisGate"/>: at most its slot count of analyses run at once, on threads of its own with the caller's
/// activity, a slot comes back when an analysis throws, a caller cancelled while waiting neither runs nor takes a
/// slot, and gates of host scope (standing in for worker processes on the same CPUs) share their slots.
/// </summary>
public sealed class AnalysisGateTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task OneSlotRunsTheAnalysesOneAtATime()
    {
        using var gate = new AnalysisGate(1);
        using var probe = new OverlapProbe(TimeSpan.FromMilliseconds(300));

        var overlaps = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => gate.RunAsync(probe.Analysis)));

        Assert.Equal([false, false, false], overlaps);
    }

    [Fact]
    public async Task TwoSlotsLetTwoAnalysesRunTogether()
    {
        using var gate = new AnalysisGate(2);
        using var both = new Barrier(2);

        // Each analysis waits for the other one to be running too: this completes only if the gate admits both at once.
        var pair = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => gate.RunAsync(() => both.SignalAndWait(Patience))));

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
        var holder = gate.RunAsync(() => release.Wait(Patience));
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
    public async Task AnAnalysisRunsOnAGateThreadWithTheCallersActivity()
    {
        using var gate = new AnalysisGate(1);
        using var activity = new Activity("analyse-frame").Start();

        var (pooled, name, seen) = await gate.RunAsync(() =>
            (Thread.CurrentThread.IsThreadPoolThread, Thread.CurrentThread.Name, Activity.Current?.Id));

        // Off the pool: a busy analysis must not hold up the thread-pool work of the frames in flight.
        Assert.False(pooled);
        Assert.Equal("analysis-1", name);
        Assert.Equal(activity.Id, seen);
        Assert.NotNull(activity.GetTagItem("gate.wait_ms"));
    }

    [Fact]
    public async Task GatesOfHostScopeOnTheSameCpusTakeTurns()
    {
        // Two gates stand in for two worker processes: the named mutex is the same object to both.
        using var first = new AnalysisGate(1, AnalysisScope.Host);
        using var second = new AnalysisGate(1, AnalysisScope.Host);
        using var probe = new OverlapProbe(TimeSpan.FromMilliseconds(200));

        var overlaps = await Task.WhenAll(first.RunAsync(probe.Analysis), second.RunAsync(probe.Analysis), first.RunAsync(probe.Analysis),
            second.RunAsync(probe.Analysis));

        Assert.Equal([false, false, false, false], overlaps);
    }

    [Fact]
    public async Task GatesOfProcessScopeRunTogether()
    {
        using var first = new AnalysisGate(1, AnalysisScope.Process);
        using var second = new AnalysisGate(1, AnalysisScope.Process);
        using var both = new Barrier(2);

        var pair = await Task.WhenAll(first.RunAsync(() => both.SignalAndWait(Patience)), second.RunAsync(() => both.SignalAndWait(Patience)));

        Assert.Equal([true, true], pair);
    }

    [Fact]
    public async Task AHostSlotWhoseHolderDiedIsTakenOver()
    {
        // A holder that ends without letting go, as a killed worker would: its mutex is then abandoned.
        var holder = new Thread(() => new HostSlot(0).Enter());
        holder.Start();
        holder.Join();
        using var gate = new AnalysisGate(1, AnalysisScope.Host);

        var next = gate.RunAsync(() => 7);

        Assert.Same(next, await Task.WhenAny(next, Task.Delay(Patience)));
        Assert.Equal(7, await next);
    }

    [Fact]
    public async Task AHostSlotHeldByAFrozenProcessIsWaitedForAtMostItsPatience()
    {
        // A holder that keeps its slot and does nothing, as a worker stopped with SIGSTOP mid-analysis does.
        using var release = new ManualResetEventSlim();
        using var held = new ManualResetEventSlim();
        var holder = new Thread(() =>
        {
            using var slot = new HostSlot(0);
            slot.Enter();
            held.Set();
            release.Wait();
            slot.Exit();
        });
        holder.Start();
        held.Wait();
        try
        {
            using var gate = new AnalysisGate(1, AnalysisScope.Host);
            var watch = Stopwatch.StartNew();

            var next = gate.RunAsync(() => 7);

            Assert.Same(next, await Task.WhenAny(next, Task.Delay(HostSlot.Patience + Patience)));
            Assert.Equal(7, await next);
            Assert.True(watch.Elapsed >= HostSlot.Patience - TimeSpan.FromMilliseconds(50), $"ran after {watch.Elapsed}, before the holder's patience ran out");
        }
        finally
        {
            release.Set();
            holder.Join();
        }
    }

    [Fact]
    public void ASlotCountBelowOneIsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new AnalysisGate(0));

    [Fact]
    public async Task ADisposedGateRefusesNewAnalyses()
    {
        var gate = new AnalysisGate(1);
        gate.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => gate.RunAsync(() => 1));
    }

    /// <summary>
    /// An analysis that reports whether another one ran at the same time: each stays inside for <paramref name="stay"/>
    /// (standing in for the models' CPU time), long enough for a second thread to start another, which a gate that
    /// admitted it would do; then every analysis still inside, and each one after, returns true.
    /// </summary>
    private sealed class OverlapProbe(TimeSpan stay) : IDisposable
    {
        private readonly ManualResetEventSlim _overlapped = new();
        private int _running;

        public bool Analysis()
        {
            if (Interlocked.Increment(ref _running) > 1)
                _overlapped.Set();
            _overlapped.Wait(stay);
            Interlocked.Decrement(ref _running);
            return _overlapped.IsSet;
        }

        public void Dispose() => _overlapped.Dispose();
    }
}
