using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace FaceAspire.Api.Apis;

/// <summary>
/// Bounds how many thumbnails the Api makes at once (<see cref="ApiOptions.MaxConcurrentThumbnails"/>) and how many
/// first requests may wait for a turn (<see cref="ApiOptions.ThumbnailQueueLimit"/>, first come first served).
/// <para>
/// Why: making a thumbnail decodes the stored photo at full size, up to <see cref="ApiOptions.MaxPixels"/> × 3 bytes
/// (150 MB at the default 50 megapixels) and ~1 ms of CPU per 640×480 frame, many times that for a large photo. A
/// page of a photo library, or a script, asking for hundreds of first thumbnails at once would otherwise decode them
/// all at once, on the cores and in the memory the ingest needs. Thumbnails already made are served without a turn.
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
