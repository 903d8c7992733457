using FaceAspire.Core.Contracts;
using FaceAspire.Core.Data;
using FaceAspire.Core.Identity;
using FaceAspire.Core.Jobs;
using FaceAspire.Core.Messaging;
using FaceAspire.Vision;
using FaceAspire.Worker.Consumers;
using FaceAspire.Worker.Jobs;
using FaceAspire.Worker.Pipeline;
using MassTransit;
using Microsoft.Extensions.Options;

namespace FaceAspire.Worker.Extensions;

/// <summary>The Worker's service registrations.</summary>
public static class Extensions
{
    /// <summary>
    /// Registers the database (Core's <see cref="FaceDbServiceCollectionExtensions.AddFaceDb"/> on
    /// <c>ConnectionStrings:facedb</c>), ONE <see cref="IFaceAnalyzer"/> per process (its ONNX sessions are shared by
    /// all concurrent frames; section <c>Vision</c>) behind one <see cref="AnalysisGate"/>, <see cref="WorkerOptions"/>
    /// (section <c>Worker</c>), MassTransit over RabbitMQ (<c>ConnectionStrings:messaging</c>, an amqp:// URL) with the
    /// consumers on the queues of <see cref="MessagingNames"/> and their fault handlers, this process's outbox relay (it
    /// sends the result events and job commands the worker writes, ADR 0024), and readiness checks (tag <c>ready</c>) for
    /// PostgreSQL and the bus.
    /// </summary>
    /// <exception cref="InvalidOperationException">A connection string is missing.</exception>
    public static IHostApplicationBuilder AddWorkerServices(this IHostApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var db = config.GetConnectionString("facedb")
                 ?? throw new InvalidOperationException("ConnectionStrings:facedb is not set (env ConnectionStrings__facedb).");

        builder.Services.AddFaceDb(db);
        builder.Services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();

        var vision = new VisionOptions();
        config.GetSection(VisionOptions.SectionName).Bind(vision);
        builder.Services.AddSingleton(vision);
        builder.Services.AddSingleton<IFaceAnalyzer>(sp => new FaceAnalyzer(sp.GetRequiredService<VisionOptions>(), sp.GetRequiredService<ILoggerFactory>()));
        // One gate per process, shared by every consumer and job that runs the models (Pipeline/AnalysisGate.cs).
        builder.Services.AddSingleton<AnalysisGate>();
        // Load the models at start, not at the first message: a missing model must stop the process at once.
        builder.Services.AddHostedService<AnalyzerWarmup>();

        builder.Services.AddOptions<MaintenanceOptions>().BindConfiguration(MaintenanceOptions.SectionName)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<JobStore>();
        builder.Services.AddSingleton<IMaintenanceJob, RetentionJob>();
        builder.Services.AddSingleton<IMaintenanceJob, ReclusterJob>();
        builder.Services.AddSingleton<IMaintenanceJob, ReindexJob>();
        builder.Services.AddSingleton<IMaintenanceJob, ReembedJob>();
        builder.Services.AddSingleton<IMaintenanceJob, ReprocessJob>();
        builder.Services.AddSingleton<IMaintenanceJob, RetryDeferredJob>();
        builder.Services.AddSingleton<DeferredFaces>();
        builder.Services.AddHostedService<DeferredFacesScheduler>();
        builder.Services.AddSingleton<IMaintenanceJob, ResealJob>();
        builder.Services.AddHostedService<ReembedStarter>();

        builder.Services.AddHealthChecks().AddCheck<FaceDbHealthCheck>(FaceDbHealthCheck.Name, tags: ["ready"]);
        builder.AddMessaging(x =>
        {
            x.AddConsumer<AnalyzeFrameConsumer, AnalyzeFrameConsumerDefinition>();
            // Request/response consumers (issue 6): the Api waits for their answers.
            var concurrency = config.GetValue("Worker:Concurrency", WorkerOptions.DefaultConcurrency);
            x.AddConsumer<AnalyzeMoodConsumer>(c => c.ConcurrentMessageLimit = concurrency).Endpoint(e => e.Name = MessagingNames.AnalyzeMoodQueue);
            x.AddConsumer<IdentifyFacesConsumer>(c => c.ConcurrentMessageLimit = concurrency).Endpoint(e => e.Name = MessagingNames.IdentifyFacesQueue);
            x.AddConsumer<EnrolPersonConsumer>(c => c.ConcurrentMessageLimit = 1).Endpoint(e => e.Name = MessagingNames.EnrolPersonQueue);
            x.AddConsumer<MakeThumbnailConsumer>(c => c.ConcurrentMessageLimit = concurrency).Endpoint(e => e.Name = MessagingNames.MakeThumbnailQueue);
            x.AddConsumer<RunJobConsumer, RunJobConsumerDefinition>();
            x.AddConsumer<AnalyzeFrameFaultConsumer, FaultConsumerDefinition<AnalyzeFrameFaultConsumer>>();
            x.AddConsumer<RunJobFaultConsumer, FaultConsumerDefinition<RunJobFaultConsumer>>();
        });
        return builder;
    }

    private sealed class AnalyzerWarmup(IFaceAnalyzer analyzer, AnalysisGate gate, IOptions<WorkerOptions> options, ILogger<AnalyzerWarmup> logger)
        : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            // The sizes a process chose from the cores it saw at start: a process pinned later keeps them.
            logger.LogInformation("Vision engine ready; embedding model {Model}; {Concurrency} frame(s) in flight, {Slots} analysis slot(s), {Cores} core(s)",
                analyzer.EmbeddingModel, options.Value.Concurrency, gate.Slots, Environment.ProcessorCount);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
