using FaceAspire.Vision.Imaging;
using FaceAspire.Worker.Pipeline;
using MassTransit;
using Microsoft.Extensions.Options;

namespace FaceAspire.Worker.Consumers;

/// <summary>
/// Endpoint <c>analyze-frame</c> (the queue the Api sends <c>AnalyzeFrame</c> to). Concurrency is
/// <see cref="WorkerOptions.Concurrency"/>, prefetch <see cref="WorkerOptions.EffectivePrefetchCount"/> (one more:
/// the next frame is in the process when one is acknowledged; more would park frames on a busy process while
/// another sits idle). Retry: exponential backoff for transient errors only
/// (<see cref="TransientErrors.IsTransient"/>); decode errors are ignored by the policy (the consumer records
/// them itself), and other exceptions fault at once.
/// </summary>
public sealed class AnalyzeFrameConsumerDefinition : ConsumerDefinition<AnalyzeFrameConsumer>
{
    /// <summary>The queue name, also the address senders use (<c>queue:analyze-frame</c>).</summary>
    public const string QueueName = "analyze-frame";

    private readonly WorkerOptions _options;

    /// <summary>Reads <see cref="WorkerOptions"/>.</summary>
    public AnalyzeFrameConsumerDefinition(IOptions<WorkerOptions> options)
    {
        _options = options.Value;
        EndpointName = QueueName;
        ConcurrentMessageLimit = _options.Concurrency;
        Endpoint(e => e.PrefetchCount = _options.EffectivePrefetchCount);
    }

    /// <inheritdoc />
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<AnalyzeFrameConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r =>
        {
            r.Exponential(_options.RetryLimit, TimeSpan.FromMilliseconds(_options.RetryMinIntervalMs),
                TimeSpan.FromMilliseconds(_options.RetryMaxIntervalMs), TimeSpan.FromMilliseconds(_options.RetryMinIntervalMs));
            r.Ignore<ImageDecodeException>();
            r.Handle<Exception>(TransientErrors.IsTransient);
        });
    }
}
