using FaceAspire.Core.Contracts;
using FaceAspire.Core.Jobs;
using FaceAspire.Vision;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceAspire.Worker.Jobs;

/// <summary>
/// At worker start (the embedding model is fixed for the process's life: a manifest change means a restart), looks
/// for faces stored with another embedding model; when there are any, requests a <c>reembed</c> job and sends
/// <see cref="RunJob"/>. Several workers starting at once request it once: the jobs table allows one active job per
/// kind, and only the worker that created the row sends the command.
/// </summary>
public sealed class ReembedStarter(NpgsqlDataSource dataSource, JobStore jobs, IFaceAnalyzer analyzer, IBus bus,
    IOptions<MaintenanceOptions> options, ILogger<ReembedStarter> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.AutoReembed)
            return;
        try
        {
            await using var command = dataSource.CreateCommand("SELECT count(*) FROM faces WHERE model_version <> @mv");
            command.Parameters.AddWithValue("mv", analyzer.EmbeddingModel);
            var stale = (long)(await command.ExecuteScalarAsync(stoppingToken))!;
            if (stale == 0)
                return;
            var request = await jobs.RequestAsync(JobKinds.Reembed, "worker", null, viaOutbox: false, stoppingToken);
            logger.LogInformation("{Count} face(s) carry another embedding model than {Model}; re-embedding job {JobId}{Existing}", stale,
                analyzer.EmbeddingModel, request.JobId, request.Created ? "" : " (already active)");
            if (request.Created)
            {
                var endpoint = await bus.GetSendEndpoint(new Uri("queue:run-job"));
                await endpoint.Send(new RunJob(request.JobId, JobKinds.Reembed), stoppingToken);
            }
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            logger.LogWarning("Could not check for faces of another embedding model: {Message}", e.Message);
        }
    }
}
