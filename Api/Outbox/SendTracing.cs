using System.Diagnostics;
using FaceAspire.Api.Ingest;
using FaceAspire.Core.Data.Entities;

namespace FaceAspire.Api.Outbox;

/// <summary>
/// Restores the trace of the request that wrote an outbox row. The row carries the W3C <c>traceparent</c> /
/// <c>tracestate</c> of the writer's span (Core's <c>OutboxSerializer.CurrentTraceContext</c>); the dispatcher
/// sends later, from a background loop without that context, so without this the send and everything downstream
/// (MassTransit send → RabbitMQ → consume → vision → database) would start a new, unrelated trace.
/// </summary>
internal static class SendTracing
{
    /// <summary>The row's stored context (remote, as if read from a header), or <c>default</c> when the row has
    /// none or it does not parse as a W3C traceparent.</summary>
    public static ActivityContext Parent(OutboxMessage row) => Parent(row.TraceParent, row.TraceState);

    /// <summary>A stored W3C context (remote), or <c>default</c> when there is none or it does not parse.</summary>
    public static ActivityContext Parent(string? traceParent, string? traceState) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, traceState, isRemote: true, out var context)
            ? context : default;

    /// <summary>
    /// Starts span <c>send {queue}</c> (e.g. <c>send analyze-frame</c>, kind Internal: MassTransit adds its own
    /// Producer span below it) as a child of the row's stored context, linked to the dispatcher's batch span
    /// <paramref name="batch"/>; it becomes <see cref="Activity.Current"/>, so the caller must restore Current
    /// after starting the send. Without a stored context it is a child of <paramref name="batch"/>.
    /// Null when nothing listens or the stored context was not sampled.
    /// </summary>
    public static Activity? Start(OutboxMessage row, Uri address, Activity? batch) =>
        Start(row, "send", address.AbsolutePath.TrimStart('/'), batch);

    /// <summary>As <see cref="Start(OutboxMessage, Uri, Activity?)"/> for an event that is published, not sent: span
    /// <c>publish {type name}</c> (e.g. <c>publish FrameAnalyzed</c>).</summary>
    public static Activity? StartPublish(OutboxMessage row, Type messageType, Activity? batch) =>
        Start(row, "publish", messageType.Name, batch);

    private static Activity? Start(OutboxMessage row, string operation, string destination, Activity? batch)
    {
        var parent = Parent(row);
        var span = IngestService.Activities.StartActivity($"{operation} {destination}", ActivityKind.Internal,
            parent == default ? batch?.Context ?? default : parent,
            links: parent != default && batch is not null ? [new ActivityLink(batch.Context)] : null);
        span?.SetTag("messaging.destination.name", destination);
        span?.SetTag("faceaspire.outbox.id", row.Id);
        span?.SetTag("faceaspire.outbox.type", row.MessageType);
        return span;
    }
}
