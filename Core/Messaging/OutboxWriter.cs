using System.Diagnostics;
using System.Text.Json;
using FaceAspire.Core.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace FaceAspire.Core.Messaging;

/// <summary>
/// Writes and reads <see cref="OutboxMessage"/> rows. Bodies are System.Text.Json with web defaults (camelCase);
/// <see cref="OutboxMessage.MessageType"/> is the contract's full CLR name, resolved back only against the types
/// in <c>FaceAspire.Core.Contracts</c> (never an arbitrary type name from the database). Every insert into the table
/// also wakes the relays of every process: the baseline migration's statement trigger sends
/// <c>NOTIFY <see cref="NotifyChannel"/></c>, delivered when the writing transaction commits.
/// </summary>
public static class OutboxWriter
{
    /// <summary>The LISTEN/NOTIFY channel an insert into <c>outbox_messages</c> notifies (<see cref="OutboxListener"/>).</summary>
    public const string NotifyChannel = "outbox_messages";

    /// <summary>The JSON options used for bodies.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web);

    private static readonly Dictionary<string, Type> ContractTypes = typeof(AnalyzeFrame).Assembly.GetTypes()
        .Where(t => t.Namespace == typeof(AnalyzeFrame).Namespace && t is { IsClass: true, IsAbstract: false, IsPublic: true })
        .ToDictionary(t => t.FullName!, StringComparer.Ordinal);

    /// <summary>A new (unsaved) outbox row for <paramref name="message"/>; add it to the context in the same
    /// <c>SaveChanges</c>/transaction as the change it announces. Carries the trace context of
    /// <see cref="Activity.Current"/> (see <see cref="CurrentTraceContext"/>).</summary>
    public static OutboxMessage Create<T>(T message) where T : class => Create(message, CurrentTraceContext());

    /// <summary>A new (unsaved) outbox row for <paramref name="message"/> carrying <paramref name="trace"/>, a trace
    /// context captured earlier (e.g. by the request whose frame a group commit writes from another context).</summary>
    public static OutboxMessage Create<T>(T message, (string? TraceParent, string? TraceState) trace) where T : class
    {
        var (parent, state) = trace;
        return new()
        {
            MessageType = typeof(T).FullName!,
            Body = JsonSerializer.Serialize(message, JsonOptions),
            CreatedAt = DateTimeOffset.UtcNow,
            TraceParent = parent,
            TraceState = state,
        };
    }

    /// <summary>
    /// The W3C trace context of <see cref="Activity.Current"/> as header values: <c>traceparent</c>
    /// (<c>00-{32 hex}-{16 hex}-{2 hex}</c>, 55 chars) and <c>tracestate</c> (null when empty). Both null when no
    /// activity is current or it uses the legacy hierarchical id format (not W3C). Stored with an outbox row so
    /// the later send joins the writer's trace (https://www.w3.org/TR/trace-context/).
    /// </summary>
    public static (string? TraceParent, string? TraceState) CurrentTraceContext()
    {
        var activity = Activity.Current;
        if (activity is null || activity.IdFormat != ActivityIdFormat.W3C)
            return (null, null);
        return (activity.Id, string.IsNullOrEmpty(activity.TraceStateString) ? null : activity.TraceStateString);
    }

    /// <summary>The contract type named by <paramref name="messageType"/>.</summary>
    /// <exception cref="KeyNotFoundException">Not a type of <c>FaceAspire.Core.Contracts</c>.</exception>
    public static Type ResolveType(string messageType) =>
        ContractTypes.TryGetValue(messageType, out var type) ? type
            : throw new KeyNotFoundException($"'{messageType}' is not a FaceAspire.Core.Contracts message type.");

    /// <summary>The message stored in <paramref name="row"/>, as an instance of its contract type.</summary>
    /// <exception cref="KeyNotFoundException">Unknown message type.</exception>
    /// <exception cref="JsonException">Body does not match the type.</exception>
    public static object Deserialize(OutboxMessage row) =>
        JsonSerializer.Deserialize(row.Body, ResolveType(row.MessageType), JsonOptions)
        ?? throw new JsonException($"Outbox message {row.Id} has a null body.");

    /// <summary>Inserts an outbox row with raw SQL on the caller's connection and transaction, with the trace
    /// context of <see cref="Activity.Current"/> (<see cref="InsertCommand"/> with one message).</summary>
    /// <exception cref="ArgumentException"><paramref name="message"/> is not a contract type.</exception>
    public static async Task EnqueueAsync<T>(T message, NpgsqlConnection connection, NpgsqlTransaction? transaction,
        CancellationToken cancellationToken = default) where T : class
    {
        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { InsertCommand([message]) } };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// One statement that inserts an outbox row per message, in the list's order (ids increase with it), with the
    /// trace context of <see cref="Activity.Current"/>; for callers that add it to an <see cref="NpgsqlBatch"/> of
    /// their own transaction, so the rows commit with the change they announce at no extra round trip. Each row's
    /// type is the message's runtime type (a record of <c>FaceAspire.Core.Contracts</c>).
    /// </summary>
    /// <param name="messages">1 or more contract instances.</param>
    /// <exception cref="ArgumentException">Empty list, or a message that is not a contract type.</exception>
    public static NpgsqlBatchCommand InsertCommand(IReadOnlyList<object> messages)
    {
        if (messages.Count == 0)
            throw new ArgumentException("At least one message is needed.", nameof(messages));
        var types = new string[messages.Count];
        var bodies = new string[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            var type = messages[i].GetType();
            if (!ContractTypes.ContainsKey(type.FullName!))
                throw new ArgumentException($"{type.FullName} is not a FaceAspire.Core.Contracts message type.", nameof(messages));
            types[i] = type.FullName!;
            bodies[i] = JsonSerializer.Serialize(messages[i], type, JsonOptions);
        }
        var (parent, state) = CurrentTraceContext();
        return new NpgsqlBatchCommand("""
            INSERT INTO outbox_messages (message_type, body, trace_parent, trace_state)
            SELECT m.t, m.b::jsonb, @p, @s FROM unnest(@t::text[], @b::text[]) WITH ORDINALITY AS m(t, b, n) ORDER BY m.n
            """)
        {
            Parameters =
            {
                new NpgsqlParameter<string[]>("t", types),
                new NpgsqlParameter<string[]>("b", bodies),
                new NpgsqlParameter("p", NpgsqlDbType.Text) { Value = (object?)parent ?? DBNull.Value },
                new NpgsqlParameter("s", NpgsqlDbType.Text) { Value = (object?)state ?? DBNull.Value },
            },
        };
    }
}
