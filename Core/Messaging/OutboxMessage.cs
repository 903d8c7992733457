namespace FaceAspire.Core.Messaging;

/// <summary>
/// A message waiting to be sent or published (table <c>outbox_messages</c>), written in the same transaction as the
/// state change it announces (our transactional outbox; MassTransit's EF outbox is not served by this registry).
/// Every process that writes rows also relays them (<see cref="OutboxRelay"/>): it claims pending rows in
/// <see cref="Id"/> order, sends them, and sets <see cref="DispatchedAt"/>. Write rows with <see cref="OutboxWriter"/>.
/// </summary>
public sealed class OutboxMessage
{
    /// <summary>Primary key (identity); relay order.</summary>
    public long Id { get; set; }
    /// <summary>Full CLR name of the contract, e.g. <c>FaceAspire.Core.Contracts.AnalyzeFrame</c>.</summary>
    public string MessageType { get; set; } = "";
    /// <summary>The message as JSON (jsonb), System.Text.Json web defaults (camelCase).</summary>
    public string Body { get; set; } = "{}";
    /// <summary>When written.</summary>
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>When the broker confirmed it; null while pending.</summary>
    public DateTimeOffset? DispatchedAt { get; set; }
    /// <summary>Failed send attempts so far.</summary>
    public int Attempts { get; set; }
    /// <summary>Error of the last failed attempt.</summary>
    public string? LastError { get; set; }
    /// <summary>W3C <c>traceparent</c> of the span that wrote the row (<c>00-{trace id}-{span id}-{flags}</c>), or
    /// null when nothing was tracing; the relay parents its send span on it (<see cref="OutboxTracing"/>).</summary>
    public string? TraceParent { get; set; }
    /// <summary>W3C <c>tracestate</c> that went with <see cref="TraceParent"/>, or null.</summary>
    public string? TraceState { get; set; }
}
