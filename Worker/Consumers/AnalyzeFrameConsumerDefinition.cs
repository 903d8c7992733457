using FaceAspire.Core.Contracts;
using FaceAspire.Vision.Imaging;
using FaceAspire.Worker.Pipeline;
using MassTransit;
using Microsoft.Extensions.Options;

namespace FaceAspire.Worker.Consumers;

/// <summary>
/// Endpoint <see cref="MessagingNames.AnalyzeFrameQueue"/> (the queue outbox relays send <c>AnalyzeFrame</c> to). Concurrency is
/// <see cref="WorkerOptions.Concurrency"/>, prefetch <see cref="WorkerOptions.EffectivePrefetchCount"/> (one more:
/// the next frame is in the process when one is acknowledged; more would park frames on a busy process while
/// another sits idle). Retry: an unreachable database is waited out for up to
/// <see cref="WorkerOptions.DatabaseOutageWaitSeconds"/> (<see cref="DatabaseOutageRetry"/>); other transient errors
/// (<see cref="TransientErrors.IsTransient"/>) get exponential backoff; decode errors are ignored by the policy (the
/// consumer records them itself), and other exceptions fault at once.
/// </summary>
public sealed class AnalyzeFrameConsumerDefinition : ConsumerDefinition<AnalyzeFrameConsumer>
{
    private readonly WorkerOptions _options;

    /// <summary>Reads <see cref="WorkerOptions"/>.</summary>
    public AnalyzeFrameConsumerDefinition(IOptions<WorkerOptions> options)
    {
        _options = options.Value;
        EndpointName = MessagingNames.AnalyzeFrameQueue;
        ConcurrentMessageLimit = _options.Concurrency;
        Endpoint(e => e.PrefetchCount = _options.EffectivePrefetchCount);
    }

    /// <inheritdoc />
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<AnalyzeFrameConsumer> consumerConfigurator, IRegistrationContext context)
    {
        // Outer: an unreachable database is waited out, holding the slot, so the queue keeps the frames that have not
        // started; short retries alone failed every frame the worker took during a restart.
        endpointConfigurator.UseMessageRetry(r => r.WaitOutDatabaseOutage(_options.DatabaseOutageWaitSeconds));
        endpointConfigurator.UseMessageRetry(r =>
        {
            // MassTransit 8.4's exponential policy with a limit of 0 throws IndexOutOfRangeException at the first
            // error (ExponentialRetryContext.Delay), which faulted the frame with that as its reason: 0 means none.
            if (_options.RetryLimit == 0)
                r.None();
            else
                r.Exponential(_options.RetryLimit, TimeSpan.FromMilliseconds(_options.RetryMinIntervalMs),
                    TimeSpan.FromMilliseconds(_options.RetryMaxIntervalMs), TimeSpan.FromMilliseconds(_options.RetryMinIntervalMs));
            r.Ignore<ImageDecodeException>();
            r.Handle(DatabaseOutageRetry.OrdinaryTransient(_options.DatabaseOutageWaitSeconds));
        });
    }
}
