using System.Diagnostics;
using FaceAspire.Core.Data;
using Microsoft.Extensions.Options;

namespace FaceAspire.MigrationService;

/// <summary>
/// Runs <see cref="DatabaseMigrator.PrepareAsync"/> with <c>ConnectionStrings:facedb</c> (the database owner, from the
/// AppHost's <c>postgres</c>/<c>facedb</c> resource), then stops the host. Exit code 0 on success, 1 on failure, so
/// the AppHost's <c>WaitForCompletion</c> keeps the services from starting on a schema they cannot use.
/// </summary>
internal sealed class MigrationWorker(
    IConfiguration configuration, IOptions<MigrationOptions> options, IHostApplicationLifetime lifetime,
    ILogger<MigrationWorker> logger) : BackgroundService
{
    /// <summary>Source of the migration's span, under which Npgsql's statement spans appear in the dashboard.</summary>
    public static readonly ActivitySource Source = new("FaceAspire.Migrations");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var activity = Source.StartActivity("migrate database");
        try
        {
            var owner = configuration.GetConnectionString("facedb")
                ?? throw new InvalidOperationException("ConnectionStrings:facedb (the database owner's connection string) is not configured.");
            var started = Stopwatch.StartNew();
            var applied = await DatabaseMigrator.PrepareAsync(owner, options.Value.AppRole, options.Value.AppPassword, stoppingToken, logger);
            logger.LogInformation("Database is at {Migration} ({Count} migrations applied) in {Ms} ms; role {Role} granted",
                applied.LastOrDefault() ?? "(none)", applied.Count, started.ElapsedMilliseconds, options.Value.AppRole);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            activity?.AddException(e);
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            logger.LogCritical(e, "Migration failed; the services will not start");
            Environment.ExitCode = 1;
        }
        lifetime.StopApplication();
    }
}
