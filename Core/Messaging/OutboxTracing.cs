using System.Diagnostics;

namespace FaceAspire.Core.Messaging;

/// <summary>
/// Restores the trace of the span that wrote an outbox row. The row carries the W3C <c>traceparent</c> /
/// <c>tracestate</c> of the writer's span (<see cref="OutboxWriter.CurrentTraceContext"/>); the relay sends later, from
/// a background loop without that context (and often from another process), so without this the send and everything
/// downstream (MassTransit send → RabbitMQ → consume → vision → database) would start a new, unrelated trace.
/// </summary>
public static class OutboxTracing
{
    /// <summary>The relay's ActivitySource, <c>FaceAspire.Pipeline</c> (the pipeline's spans, shared with the Api's
    /// <c>ingest</c>): spans <c>outbox dispatch</c>, <c>send {queue}</c>, <c>publish {event}</c>.</summary>
    public static readonly ActivitySource Source = new("FaceAspire.Pipeline");

    /// <summary>The row's stored context (remote, as if read from a header), or <c>default</c> when the row has
    /// none or it does not parse as a W3C traceparent.</summary>
    public static ActivityContext Parent(OutboxMessage row) => Parent(row.TraceParent, row.TraceState);

    /// <summary>A stored W3C context (remote), or <c>default</c> when there is none or it does not parse.</summary>
    public static ActivityContext Parent(string? traceParent, string? traceState) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context)
            ? context : default;

    /// <summary>
    /// Starts span <c>send {queue}</c> (e.g. <c>send analyze-frame</c>, kind Internal: MassTransit adds its own
    /// Producer span below it) as a child of the row's stored context, linked to the relay's batch span
    /// <paramref name="batch"/>; it becomes <see cref="Activity.Current"/>, so the caller must restore Current
    /// after starting the send. Without a stored context it is a child of <paramref name="batch"/>.
    /// Null when nothing listens or the stored context was not sampled.
    /// </summary>
    public static Activity? StartSend(OutboxMessage row, string queue, Activity? batch) => Start(row, "send", queue, batch);

    /// <summary>As <see cref="StartSend"/> for an event that is published, not sent: span <c>publish {type name}</c>
    /// (e.g. <c>publish FrameAnalyzed</c>).</summary>
    public static Activity? StartPublish(OutboxMessage row, Type messageType, Activity? batch) =>
        Start(row, "publish", messageType.Name, batch);

    private static Activity? Start(OutboxMessage row, string operation, string destination, Activity? batch)
    {
        var parent = Parent(row);
        var span = Source.StartActivity($"{operation} {destination}", ActivityKind.Internal,
            parent == default ? batch?.Context ?? default : parent,
            links: parent != default && batch is not null ? [new ActivityLink(batch.Context)] : null);
        span?.SetTag("messaging.destination.name", destination);
        span?.SetTag("faceaspire.outbox.id", row.Id);
        span?.SetTag("faceaspire.outbox.type", row.MessageType);
        return span;
    }
}
