namespace FaceAspire.Core.Messaging;

/// <summary>
/// Wakes this process's <see cref="OutboxRelay"/>: <see cref="Notify"/> at once (a writer of this process committed
/// outbox rows), <see cref="NotifyAfter"/> a little later (the database announced rows of any process through
/// LISTEN/NOTIFY, <see cref="OutboxListener"/>). Coalescing: any number of wake-ups before the relay's next wait count
/// as one, and while a delayed wake-up is pending, further delayed ones add nothing. Thread-safe, never blocks.
/// </summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);
    private int _delayedPending;

    /// <summary>Wakes the relay now.</summary>
    public void Notify()
    {
        try
        {
            if (_semaphore.CurrentCount == 0)
                _semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
            // Another thread released first: already signalled.
        }
    }

    /// <summary>Wakes the relay after <paramref name="delay"/>, unless a delayed wake-up is already pending.</summary>
    /// <param name="delay">How long to wait; zero or less wakes it now.</param>
    public void NotifyAfter(TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Notify();
            return;
        }
        if (Interlocked.Exchange(ref _delayedPending, 1) == 1)
            return;
        _ = Task.Delay(delay).ContinueWith(_ =>
        {
            Volatile.Write(ref _delayedPending, 0);
            Notify();
        }, TaskScheduler.Default);
    }

    /// <summary>Waits until woken or <paramref name="timeout"/> elapses.</summary>
    /// <returns>True when woken.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _semaphore.WaitAsync(timeout, cancellationToken);
}
