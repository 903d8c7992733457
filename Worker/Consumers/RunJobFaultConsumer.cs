using FaceAspire.Core.Contracts;
using FaceAspire.Core.Jobs;
using MassTransit;

namespace FaceAspire.Worker.Consumers;

/// <summary>
/// Fails a job whose <see cref="RunJob"/> message faulted (<see cref="RunJobConsumer"/> threw past its retry, e.g. a
/// database outage longer than <see cref="WorkerOptions.DatabaseOutageWaitSeconds"/>, so the job could not even record
/// its own failure; MassTransit moved the message to <c>run-job_error</c> and published <see cref="Fault{T}"/>, which
/// lands here, endpoint <c>run-job-fault</c>). The job becomes <c>failed</c> with the exception's type and message
/// unless it finished meanwhile (<see cref="JobStore.FailIfActiveAsync"/>). Without this, a faulted job stayed
/// queued or running for good and every later request of its kind was answered with it, so that kind could never run
/// again.
/// </summary>
public sealed class RunJobFaultConsumer(JobStore jobs, ILogger<RunJobFaultConsumer> logger) : IConsumer<Fault<RunJob>>
{
    /// <summary>Prefix of the error recorded on the job.</summary>
    public const string Reason = "job message faulted";

    /// <inheritdoc />
    public async Task Consume(ConsumeContext<Fault<RunJob>> context)
    {
        var job = context.Message.Message;
        var reason = FaultReason.Of(context.Message, Reason);
        if (await jobs.FailIfActiveAsync(job.JobId, job.Kind, reason, context.CancellationToken))
            logger.LogError("Job {JobId} ({Kind}) is failed: {Reason}", job.JobId, job.Kind, reason);
        else
            logger.LogWarning("Fault for job {JobId} ({Kind}), which is not active (finished, or unknown): {Reason}", job.JobId, job.Kind, reason);
    }
}
