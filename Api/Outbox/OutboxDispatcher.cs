using System.Diagnostics;
using System.Text.Json;
using FaceAspire.Api.Ingest;
using FaceAspire.Core.Contracts;
using FaceAspire.Core.Data;
using FaceAspire.Core.Data.Entities;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FaceAspire.Api.Outbox;

/// <summary>
/// The sending half of the transactional outbox. Loop: in one transaction, lock up to
/// <see cref="OutboxOptions.BatchSize"/> undispatched rows (<c>FOR UPDATE SKIP LOCKED</c>, so several Api
/// replicas share the work without sending a row twice), hand each message to MassTransit (commands are SENT to
/// their queue: <see cref="AnalyzeFrame"/> to <see cref="Address"/>, <see cref="RunJob"/> to <see cref="JobAddress"/>;
/// every other contract is an event the Worker wrote with its result, such as <see cref="FrameAnalyzed"/>, and is
/// PUBLISHED; ADR 0017), wait for the broker's confirms (on by default, so a completed send means the broker has the
/// message), then mark the confirmed rows dispatched and commit. While the broker is down, sends time out, the rows stay
/// pending (attempts and last_error recorded) and the loop backs off 0.5 s → <see cref="OutboxOptions.MaxBackoffSeconds"/>;
/// so an accepted frame (202) is always dispatched eventually. A crash between confirm and commit re-sends the
/// batch later: the Worker is idempotent by frame id. Idle: waits for <see cref="OutboxSignal"/> or the poll interval.
/// </summary>
public sealed class OutboxDispatcher(
    NpgsqlDataSource dataSource,
    IBus bus,
    OutboxSignal signal,
    IOptions<OutboxOptions> options,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    /// <summary>Where AnalyzeFrame goes: the durable queue <c>analyze-frame</c> (MassTransit short address).</summary>
    public static readonly Uri Address = new("queue:analyze-frame");

    /// <summary>Where RunJob goes: the durable queue <c>run-job</c> (maintenance jobs, issue 6).</summary>
    public static readonly Uri JobAddress = new("queue:run-job");

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
                    var (read, failed) = await DispatchBatchAsync(await _connection.GetAsync(stoppingToken), stoppingToken);
                    if (failed > 0)
                        throw new OutboxSendException($"{failed} of {read} messages were not confirmed by the broker");
                    if (backoff > TimeSpan.Zero)
                        logger.LogInformation("Outbox dispatch recovered");
                    backoff = TimeSpan.Zero;
                    if (read < _options.BatchSize)
                        await signal.WaitAsync(poll, stoppingToken);
                }
                catch (Exception e) when (e is OutboxSendException or NpgsqlException or TimeoutException)
                {
                    backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(500)
                        : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(_options.MaxBackoffSeconds).Ticks));
                    logger.LogWarning("Outbox dispatch failed ({Message}); retrying in {Backoff} ms", e.Message, (int)backoff.TotalMilliseconds);
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

    /// <summary>One batch: returns how many rows were read and how many could not be sent.</summary>
    private async Task<(int Read, int Failed)> DispatchBatchAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
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
        // trace; each message's send span continues the trace of the request that wrote the row (SendTracing).
        using var activity = IngestService.Activities.StartActivity("outbox dispatch", ActivityKind.Internal,
            parentContext: default, links: rows.Select(r => SendTracing.Parent(r)).Where(c => c != default).Select(c => new ActivityLink(c)));
        activity?.SetTag("faceaspire.messages", rows.Count);
        var sent = new List<long>(rows.Count);
        var poison = new List<long>();
        var failed = new List<long>();
        string? error = null;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(_options.SendTimeoutSeconds));
            var endpoint = await bus.GetSendEndpoint(Address);
            var jobEndpoint = await bus.GetSendEndpoint(JobAddress);
            var sends = new List<(long Id, Task Task, Activity? Span)>(rows.Count);
            foreach (var row in rows)
            {
                object message;
                try
                {
                    message = OutboxSerializer.Deserialize(row);
                }
                catch (Exception e) when (e is JsonException or KeyNotFoundException or NotSupportedException)
                {
                    // Undeliverable forever; retrying it would block the queue head.
                    logger.LogError("Outbox message {Id} ({Type}) cannot be deserialised and is dropped: {Message}", row.Id, row.MessageType, e.Message);
                    poison.Add(row.Id);
                    continue;
                }
                var (target, address) = message switch
                {
                    AnalyzeFrame => (endpoint, Address),
                    RunJob => (jobEndpoint, JobAddress),
                    _ => ((ISendEndpoint?)null, (Uri?)null),
                };
                var span = address is null ? SendTracing.StartPublish(row, message.GetType(), activity)
                    : SendTracing.Start(row, address, activity);
                try
                {
                    // MassTransit's send span (and the traceparent header it writes) parents on Activity.Current.
                    sends.Add((row.Id, target is null ? bus.Publish(message, message.GetType(), timeout.Token)
                        : target.Send(message, message.GetType(), timeout.Token), span));
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
