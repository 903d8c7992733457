using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceAspire.Core.Messaging;

/// <summary>
/// Deletes outbox rows dispatched more than <see cref="OutboxOptions.KeepDispatchedHours"/> ago, every
/// <see cref="OutboxOptions.PruneIntervalSeconds"/> (the first time at start). Every frame leaves at least two rows
/// (its <c>AnalyzeFrame</c> and its <c>FrameAnalyzed</c>, plus one <c>FaceRecognized</c> per face), so without this
/// the table grows with everything ever ingested. Pending rows are never deleted, and a row dispatched recently stays
/// for inspection (the Admin and the tests read <c>dispatched_at</c>, <c>attempts</c>, <c>last_error</c>). Every
/// relaying process prunes; a DELETE of rows already gone deletes nothing. Errors are logged and the next
/// round tries again.
/// </summary>
public sealed class OutboxPruner(NpgsqlDataSource dataSource, IOptions<OutboxOptions> options, ILogger<OutboxPruner> logger)
    : BackgroundService
{
    private readonly OutboxOptions _options = options.Value;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.KeepDispatchedHours == 0)
            return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(_options.PruneIntervalSeconds));
        do
        {
            try
            {
                var deleted = await PruneAsync(stoppingToken);
                if (deleted > 0)
                    logger.LogInformation("Outbox: deleted {Rows} rows dispatched more than {Hours} h ago", deleted, _options.KeepDispatchedHours);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning("Outbox pruning failed ({Message}); next try in {Seconds} s", e.Message, _options.PruneIntervalSeconds);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    /// <summary>Deletes the rows dispatched before the retention window; returns how many.</summary>
    private async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "DELETE FROM outbox_messages WHERE dispatched_at < now() - make_interval(hours => @h)");
        command.Parameters.AddWithValue("h", _options.KeepDispatchedHours);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
