using FaceAspire.Worker.Pipeline;
using MassTransit;
using Microsoft.Extensions.Options;

namespace FaceAspire.Worker.Consumers;

/// <summary>
/// Endpoint <c>analyze-frame-fault</c>. Recording a failure needs the database too: an unreachable one is waited out
/// (<see cref="DatabaseOutageRetry"/>, <see cref="WorkerOptions.DatabaseOutageWaitSeconds"/>), other transient errors
/// are retried 10 times with exponential backoff from 200 ms to 10 s.
/// </summary>
public sealed class AnalyzeFrameFaultConsumerDefinition(IOptions<WorkerOptions> options) : ConsumerDefinition<AnalyzeFrameFaultConsumer>
{
    /// <inheritdoc />
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<AnalyzeFrameFaultConsumer> consumerConfigurator, IRegistrationContext context)
    {
        consumerConfigurator.UseMessageRetry(r => r.WaitOutDatabaseOutage(options.Value.DatabaseOutageWaitSeconds));
        consumerConfigurator.UseMessageRetry(r =>
        {
            r.Exponential(10, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200));
            r.Handle(DatabaseOutageRetry.OrdinaryTransient(options.Value.DatabaseOutageWaitSeconds));
        });
    }
}
