using System.Diagnostics;
using System.Text.Json;
using FaceAspire.Core.Contracts;
using FaceAspire.Core.Data;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceAspire.Core.Messaging;

/// <summary>
/// The sending half of the transactional outbox, run by EVERY process that writes outbox rows (Api, Worker, Admin), so
/// no host is the relay of the others (ADR 0024). Loop: in one transaction, claim up to
/// <see cref="OutboxOptions.BatchSize"/> pending rows of any writer (<c>FOR UPDATE SKIP LOCKED</c>: relays running at
/// once claim disjoint rows, so none is sent twice), hand each message to MassTransit (a command is SENT to its queue,
/// <see cref="MessagingNames.CommandQueues"/>; every other contract is an event and is PUBLISHED, ADR 0017), wait for
/// the broker's confirms (on by default: a completed send means the broker has the message), then mark the confirmed
/// rows dispatched and commit. While the broker is down, sends time out, the rows stay pending (attempts and
/// last_error recorded) and the loop backs off 0.5 s → <see cref="OutboxOptions.MaxBackoffSeconds"/>, so a written row
/// is sent eventually. A crash between confirm and commit sends the batch again later (consumers are idempotent).
/// Idle, it waits for <see cref="OutboxSignal"/>: at once after this process's own writes, shortly after any
/// process's (LISTEN/NOTIFY, <see cref="OutboxListener"/>), and at least every <see cref="OutboxOptions.PollMilliseconds"/>.
/// </summary>
public sealed class OutboxRelay(
    NpgsqlDataSource dataSource,
    IBus bus,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    private readonly OutboxOptions _options = options.Value;
    // One connection for the loop's life, not one from the pool per batch (see HeldConnection for why).
    private readonly HeldConnection _connection = new(dataSource);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromMilliseconds(_options.PollMilliseconds);
        var backoff = TimeSpan.Zero;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    var (read, failed) = await RelayBatchAsync(await _connection.GetAsync(stoppingToken), stoppingToken);
                    if (failed > 0)
                        throw new OutboxSendException($"{failed} of {read} messages were not confirmed by the broker");
                    if (backoff > TimeSpan.Zero)
                        logger.LogInformation("Outbox relay recovered");
                    backoff = TimeSpan.Zero;
                    if (read < _options.BatchSize)
                        await signal.WaitAsync(poll, stoppingToken);
                }
                catch (Exception e) when (e is OutboxSendException or NpgsqlException or TimeoutException)
                {
                    backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(500)
                        : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(_options.MaxBackoffSeconds).Ticks));
                    logger.LogWarning("Outbox relay failed ({Message}); retrying in {Backoff} ms", e.Message, (int)backoff.TotalMilliseconds);
                    await Task.Delay(backoff, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }

    /// <summary>One batch: returns how many rows were claimed and how many could not be sent.</summary>
    private async Task<(int Read, int Failed)> RelayBatchAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var rows = new List<OutboxMessage>();
        await using (var select = new NpgsqlCommand("""
            SELECT id, message_type, body::text, trace_parent, trace_state FROM outbox_messages
            WHERE dispatched_at IS NULL ORDER BY id LIMIT @n FOR UPDATE SKIP LOCKED
            """, connection, transaction))
        {
            select.Parameters.AddWithValue("n", _options.BatchSize);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                rows.Add(new OutboxMessage
                {
                    Id = reader.GetInt64(0), MessageType = reader.GetString(1), Body = reader.GetString(2),
                    TraceParent = reader.IsDBNull(3) ? null : reader.GetString(3),
                    TraceState = reader.IsDBNull(4) ? null : reader.GetString(4),
                });
        }
        if (rows.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            return (0, 0);
        }

        // The batch span is a root of its own (this loop has no request context), linked to every message's
        // trace; each message's send span continues the trace of the request that wrote the row (OutboxTracing).
        using var activity = OutboxTracing.Source.StartActivity("outbox dispatch", ActivityKind.Internal,
            parentContext: default, links: rows.Select(OutboxTracing.Parent).Where(c => c != default).Select(c => new ActivityLink(c)));
        activity?.SetTag("faceaspire.messages", rows.Count);
        var sent = new List<long>(rows.Count);
        var poison = new List<long>();
        var failed = new List<long>();
        string? error = null;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(_options.SendTimeoutSeconds));
            var sends = new List<(long Id, Task Task, Activity? Span)>(rows.Count);
            foreach (var row in rows)
            {
                object message;
                try
                {
                    message = OutboxWriter.Deserialize(row);
                }
                catch (Exception e) when (e is JsonException or KeyNotFoundException or NotSupportedException)
                {
                    // Undeliverable forever; retrying it would block the queue head.
                    logger.LogError("Outbox message {Id} ({Type}) cannot be deserialised and is dropped: {Message}", row.Id, row.MessageType, e.Message);
                    poison.Add(row.Id);
                    continue;
                }
                var queue = MessagingNames.CommandQueues.GetValueOrDefault(message.GetType());
                var span = queue is null ? OutboxTracing.StartPublish(row, message.GetType(), activity) : OutboxTracing.StartSend(row, queue, activity);
                try
                {
                    // MassTransit's send span (and the traceparent header it writes) parents on Activity.Current.
                    sends.Add((row.Id, queue is null ? bus.Publish(message, message.GetType(), timeout.Token)
                        : SendAsync(queue, message, timeout.Token), span));
                }
                finally
                {
                    Activity.Current = activity;
                }
            }
            foreach (var (id, task, span) in sends)
            {
                try
                {
                    await task;
                    sent.Add(id);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    failed.Add(id);
                    error ??= e is OperationCanceledException ? $"no broker confirm within {_options.SendTimeoutSeconds} s" : e.Message;
                    span?.SetStatus(ActivityStatusCode.Error, error);
                }
                finally
                {
                    span?.Dispose();
                    Activity.Current = activity;
                }
            }
        }

        // CancellationToken.None from here: the broker has the messages, so the marks must be written.
        await MarkAsync(connection, transaction, "UPDATE outbox_messages SET dispatched_at = now() WHERE id = ANY(@ids)", sent, null);
        await MarkAsync(connection, transaction,
            "UPDATE outbox_messages SET dispatched_at = now(), attempts = attempts + 1, last_error = @e WHERE id = ANY(@ids)", poison, "undeliverable: cannot be deserialised");
        await MarkAsync(connection, transaction,
            "UPDATE outbox_messages SET attempts = attempts + 1, last_error = @e WHERE id = ANY(@ids)", failed, error);
        await transaction.CommitAsync(CancellationToken.None);
        activity?.SetTag("faceaspire.sent", sent.Count);
        return (rows.Count, failed.Count);
    }

    private async Task SendAsync(string queue, object message, CancellationToken cancellationToken)
    {
        var endpoint = await bus.GetSendEndpoint(MessagingNames.Queue(queue));
        await endpoint.Send(message, message.GetType(), cancellationToken);
    }

    private static async Task MarkAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, List<long> ids, string? error)
    {
        if (ids.Count == 0)
            return;
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("ids", ids.ToArray());
        if (error is not null)
            command.Parameters.AddWithValue("e", error.Length <= 1000 ? error : error[..1000]);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private sealed class OutboxSendException(string message) : Exception(message);
}
