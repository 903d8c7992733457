using System.Text.Json;
using FaceAspire.Core.Contracts;
using FaceAspire.Core.Jobs;
using FaceAspire.Worker.Jobs;
using FaceAspire.Worker.Pipeline;
using MassTransit;
using Microsoft.Extensions.Options;

namespace FaceAspire.Worker.Consumers;

/// <summary>
/// Runs a maintenance job (queue <c>run-job</c>, one job at a time per worker): claims the <c>jobs</c> row (a
/// finished job is acknowledged without work; a running one is taken over, since a redelivery means its worker
/// died), runs the <see cref="IMaintenanceJob"/> of its kind, and finishes the row with the result or the error
/// (both audited). Job errors are recorded, not retried: every job can simply be requested again. The exception is an
/// unreachable database (<see cref="TransientErrors.IsDatabaseUnreachable"/>): it is rethrown, and the endpoint's
/// retry waits it out (<see cref="RunJobConsumerDefinition"/>) and then runs the job again from the start, which every
/// job allows (each works from what the database holds now). Recording the failure would fail the same way, and a job
/// left active blocks its kind (<see cref="RunJobFaultConsumer"/> is the last resort).
/// Limit: RabbitMQ's consumer timeout (30 min by default) bounds how long one job may hold its message.
/// </summary>
public sealed class RunJobConsumer(JobStore jobs, IEnumerable<IMaintenanceJob> implementations, ILogger<RunJobConsumer> logger) : IConsumer<RunJob>
{
    /// <inheritdoc />
    public async Task Consume(ConsumeContext<RunJob> context)
    {
        var jobId = context.Message.JobId;
        var ct = context.CancellationToken;
        var claimed = await jobs.ClaimAsync(jobId, ct);
        if (claimed is not { } job)
        {
            logger.LogInformation("Job {JobId} is unknown or already finished; nothing to do", jobId);
            return;
        }
        var implementation = implementations.FirstOrDefault(i => i.Kind == job.Kind);
        if (implementation is null)
        {
            await jobs.FinishAsync(jobId, job.Kind, null, $"no implementation for job kind '{job.Kind}'", ct);
            return;
        }
        logger.LogInformation("Job {JobId} ({Kind}) started", jobId, job.Kind);
        using var parameters = JsonDocument.Parse(job.Parameters ?? "{}");
        try
        {
            var result = await implementation.RunAsync(new JobRun(jobId, parameters.RootElement.Clone(), jobs), ct);
            await jobs.FinishAsync(jobId, job.Kind, JsonSerializer.Serialize(result, OutboxJson), null, ct);
            logger.LogInformation("Job {JobId} ({Kind}) done: {Result}", jobId, job.Kind, JsonSerializer.Serialize(result, OutboxJson));
        }
        catch (Exception e) when (e is not OperationCanceledException && !TransientErrors.IsDatabaseUnreachable(e))
        {
            logger.LogError(e, "Job {JobId} ({Kind}) failed", jobId, job.Kind);
            await jobs.FinishAsync(jobId, job.Kind, null, $"{e.GetType().Name}: {e.Message}", CancellationToken.None);
        }
    }

    private static readonly JsonSerializerOptions OutboxJson = new(JsonSerializerDefaults.Web);
}

/// <summary>
/// Endpoint <see cref="MessagingNames.RunJobQueue"/>: one job at a time per worker process (jobs are heavy and long). Its only retry waits out an
/// unreachable database (<see cref="DatabaseOutageRetry"/>, <see cref="WorkerOptions.DatabaseOutageWaitSeconds"/>);
/// any other error is recorded on the job by the consumer.
/// </summary>
public sealed class RunJobConsumerDefinition : ConsumerDefinition<RunJobConsumer>
{
    private readonly WorkerOptions _options;

    /// <summary>Sets the queue name and a concurrency of 1.</summary>
    public RunJobConsumerDefinition(IOptions<WorkerOptions> options)
    {
        _options = options.Value;
        EndpointName = MessagingNames.RunJobQueue;
        ConcurrentMessageLimit = 1;
        Endpoint(e => e.PrefetchCount = 1);
    }

    /// <inheritdoc />
    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<RunJobConsumer> consumerConfigurator, IRegistrationContext context) =>
        consumerConfigurator.UseMessageRetry(r => r.WaitOutDatabaseOutage(_options.DatabaseOutageWaitSeconds));
}
