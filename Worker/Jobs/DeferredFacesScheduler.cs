using FaceAspire.Core.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceAspire.Worker.Jobs;

/// <summary>
/// Requests a <c>retry-deferred</c> job every <see cref="MaintenanceOptions.DeferredRetryMinutes"/> while deferred faces
/// exist AND faces were stored since the last such job was requested: a deferred face can only change its answer when
/// new evidence arrived (a new person, or more close faces). Several workers request it once (the jobs table allows one
/// active job per kind). Database errors are logged and retried at the next tick.
/// </summary>
public sealed class DeferredFacesScheduler(NpgsqlDataSource dataSource, JobStore jobs, IOptions<MaintenanceOptions> options,
    ILogger<DeferredFacesScheduler> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var minutes = options.Value.DeferredRetryMinutes;
        if (minutes <= 0)
            return;
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(minutes));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var command = dataSource.CreateCommand("""
                    SELECT EXISTS (SELECT 1 FROM faces WHERE identity_state = 'deferred')
                       AND EXISTS (SELECT 1 FROM faces WHERE created_at >
                                   coalesce((SELECT max(created_at) FROM jobs WHERE kind = @k), '-infinity'))
                    """);
                command.Parameters.AddWithValue("k", JobKinds.RetryDeferred);
                if ((bool)(await command.ExecuteScalarAsync(stoppingToken))!)
                    await jobs.RequestAsync(JobKinds.RetryDeferred, "worker", null, viaOutbox: true, stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning("Could not check for deferred faces: {Message}", e.Message);
            }
        }
    }
}
