using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace FaceAspire.Api.Apis;

/// <summary>
/// Bounds how many first thumbnail requests the Api has out to the workers at once
/// (<see cref="ApiOptions.MaxConcurrentThumbnails"/>) and how many may wait for a turn
/// (<see cref="ApiOptions.ThumbnailQueueLimit"/>, first come first served).
/// <para>
/// Why: making a thumbnail decodes the stored photo (in a worker, which decodes at reduced size when it can), up to
/// <see cref="ApiOptions.MaxPixels"/> pixels. A page of a photo library, or a script, asking for hundreds of first
/// thumbnails at once would otherwise put them all on the queue ahead of the frames the workers analyse, and hold as
/// many requests open here. Thumbnails already made are served without a turn.
/// </para>
/// <para>Built on <see cref="ConcurrencyLimiter"/> (System.Threading.RateLimiting, part of ASP.NET Core).</para>
/// </summary>
public sealed class ThumbnailGate : IDisposable
{
    private readonly ConcurrencyLimiter _limiter;

    /// <summary>A gate with the configured permits and queue.</summary>
    public ThumbnailGate(IOptions<ApiOptions> options)
    {
        _limiter = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = options.Value.MaxConcurrentThumbnails,
            QueueLimit = options.Value.ThumbnailQueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
    }

    /// <summary>
    /// Waits for a turn to make one thumbnail. Dispose the lease when done. Check <see cref="RateLimitLease.IsAcquired"/>:
    /// false when the queue is full (the caller answers 503 with <c>Retry-After</c>).
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while queued.</exception>
    public ValueTask<RateLimitLease> EnterAsync(CancellationToken cancellationToken) => _limiter.AcquireAsync(1, cancellationToken);

    /// <summary>Requests waiting for a turn now, 0..<see cref="ApiOptions.ThumbnailQueueLimit"/>.</summary>
    public long Queued => _limiter.GetStatistics()?.CurrentQueuedCount ?? 0;

    /// <inheritdoc />
    public void Dispose() => _limiter.Dispose();
}
