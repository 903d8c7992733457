using System.Diagnostics;
using OpenTelemetry;

namespace FaceAspire.ServiceDefaults.Telemetry;

/// <summary>
/// Leaves two kinds of span unrecorded, so the trace view shows work and not housekeeping:
/// <list type="bullet">
/// <item>"Npgsql" command spans that have no parent at all: background polling (the outbox relay looks for work),
/// pool warm-up. Each would be a one-span trace of its own; database work that belongs to a request, a message or a
/// relay batch always runs under a parent span and is kept.</item>
/// <item>any span whose in-process parent was itself left unrecorded: the database check under a health probe that
/// the ASP.NET Core instrumentation filtered out (the AppHost probes every service every few seconds), which would
/// otherwise show as a trace with its root missing.</item>
/// </list>
/// Runs at span start, before any exporter sees it (spans whose <see cref="Activity.IsAllDataRequested"/> is false
/// are not exported).
/// </summary>
internal sealed class RootDatabaseSpanFilter : BaseProcessor<Activity>
{
    /// <summary>Npgsql's ActivitySource name.</summary>
    public const string NpgsqlSource = "Npgsql";

    /// <inheritdoc />
    public override void OnStart(Activity data)
    {
        var orphanCommand = data.Source.Name == NpgsqlSource && data.Parent is null && data.ParentSpanId == default;
        var underDropped = data.Parent is { IsAllDataRequested: false };
        if (orphanCommand || underDropped)
        {
            data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            data.IsAllDataRequested = false;
        }
    }
}
