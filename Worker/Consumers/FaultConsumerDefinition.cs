using FaceAspire.Worker.Pipeline;
using MassTransit;
using Microsoft.Extensions.Options;

namespace FaceAspire.Worker.Consumers;

/// <summary>
/// The endpoint of a consumer that records a <see cref="Fault{T}"/> in the database (<see cref="AnalyzeFrameFaultConsumer"/>:
/// <c>analyze-frame-fault</c>; <see cref="RunJobFaultConsumer"/>: <c>run-job-fault</c>). Recording a failure needs the
/// database too, and the fault may well have been caused by its outage: an unreachable database is waited out
/// (<see cref="DatabaseOutageRetry"/>, <see cref="WorkerOptions.DatabaseOutageWaitSeconds"/>), other transient errors
/// are retried 10 times with exponential backoff from 200 ms to 10 s.
/// </summary>
/// <typeparam name="TConsumer">The fault consumer.</typeparam>
public sealed class FaultConsumerDefinition<TConsumer>(IOptions<WorkerOptions> options) : ConsumerDefinition<TConsumer>
    where TConsumer : class, IConsumer
{
    /// <inheritdoc />
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<TConsumer> consumerConfigurator, IRegistrationContext context)
    {
        consumerConfigurator.UseMessageRetry(r => r.WaitOutDatabaseOutage(options.Value.DatabaseOutageWaitSeconds));
        consumerConfigurator.UseMessageRetry(r =>
        {
            r.Exponential(10, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200));
            r.Handle(DatabaseOutageRetry.OrdinaryTransient(options.Value.DatabaseOutageWaitSeconds));
        });
    }
}
