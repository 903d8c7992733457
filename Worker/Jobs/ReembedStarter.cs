using FaceAspire.Core.Jobs;
using FaceAspire.Vision;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceAspire.Worker.Jobs;

/// <summary>
/// At worker start (the embedding model is fixed for the process's life: a manifest change means a restart), looks
/// for faces stored with another embedding model; when there are any, requests a <c>reembed</c> job, its
/// <see cref="Core.Contracts.RunJob"/> through the outbox. Several workers starting at once request it once: the jobs table allows
/// one active job per kind, and only the request that created the row writes the command.
/// </summary>
public sealed class ReembedStarter(NpgsqlDataSource dataSource, JobStore jobs, IFaceAnalyzer analyzer,
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
            var request = await jobs.RequestAsync(JobKinds.Reembed, "worker", null, viaOutbox: true, stoppingToken);
            logger.LogInformation("{Count} face(s) carry another embedding model than {Model}; re-embedding job {JobId}{Existing}", stale,
                analyzer.EmbeddingModel, request.JobId, request.Created ? "" : " (already active)");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            logger.LogWarning("Could not check for faces of another embedding model: {Message}", e.Message);
        }
    }
}
