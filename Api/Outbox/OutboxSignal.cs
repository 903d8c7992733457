namespace FaceAspire.Api.Outbox;

/// <summary>
/// In-process wake-up for <see cref="OutboxDispatcher"/>: the ingest path calls <see cref="Notify"/> after a commit
/// so a frame accepted by this replica is dispatched at once; rows written by other replicas are found by the
/// dispatcher's short poll. Coalescing: many notifies before one wait count once.
/// </summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    /// <summary>Wakes the dispatcher (cheap, never blocks).</summary>
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

    /// <summary>Waits until notified or <paramref name="timeout"/> elapses. True when notified.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _semaphore.WaitAsync(timeout, cancellationToken);
}
