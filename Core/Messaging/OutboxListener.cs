using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceAspire.Core.Messaging;

/// <summary>
/// Holds one connection that <c>LISTEN</c>s on <see cref="OutboxWriter.NotifyChannel"/> and turns each notification
/// (sent by the outbox table's statement trigger when any process's transaction that inserted rows commits) into a
/// delayed wake-up of this process's relay (<see cref="OutboxSignal.NotifyAfter"/>,
/// <see cref="OutboxOptions.NotifyDelayMilliseconds"/>). A broken connection (database restart) is opened again with
/// back-off, and the relay is woken once after each (re)connect, since notifications sent meanwhile are lost; the
/// relay's own poll covers the gap.
/// </summary>
public sealed class OutboxListener([FromKeyedServices(OutboxListener.DataSourceKey)] NpgsqlDataSource dataSource, OutboxSignal signal,
    IOptions<OutboxOptions> options, ILogger<OutboxListener> logger) : BackgroundService
{
    /// <summary>The DI key of the data source the listener connects with (registered by Core's <c>AddFaceDb</c>).</summary>
    public const string DataSourceKey = "outbox-listener";

    private readonly OutboxOptions _options = options.Value;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(_options.NotifyDelayMilliseconds);
        var backoff = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => signal.NotifyAfter(delay);
                await using (var listen = new NpgsqlCommand($"LISTEN {OutboxWriter.NotifyChannel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                if (backoff > TimeSpan.Zero)
                    logger.LogInformation("Outbox listener connected again");
                backoff = TimeSpan.Zero;
                signal.Notify();
                while (true)
                    await connection.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(500)
                    : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(_options.MaxBackoffSeconds).Ticks));
                logger.LogWarning("Outbox listener lost its connection ({Message}); polling, reconnecting in {Backoff} ms",
                    e.Message, (int)backoff.TotalMilliseconds);
                try
                {
                    await Task.Delay(backoff, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
