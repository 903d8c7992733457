using System.Diagnostics;
using OpenTelemetry;

namespace FaceAspire.ServiceDefaults.Telemetry;

/// <summary>
/// Leaves unrecorded the "Npgsql" command spans that have no parent: background polling (the Api's outbox
/// dispatcher looks for work every 100 ms), readiness checks of non-web hosts and pool warm-up. Each would be a
/// one-span trace of its own, flooding the trace view; database work that belongs to a request, a message or a
/// dispatch batch always runs under a parent span and is kept. Runs at span start, before any exporter sees it
/// (the export processors skip activities whose Recorded flag is clear).
/// </summary>
internal sealed class RootDatabaseSpanFilter : BaseProcessor<Activity>
{
    /// <summary>Npgsql's ActivitySource name.</summary>
    public const string NpgsqlSource = "Npgsql";

    /// <inheritdoc />
    public override void OnStart(Activity data)
    {
        if (data.Source.Name == NpgsqlSource && data.Parent is null && data.ParentSpanId == default)
        {
            data.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            data.IsAllDataRequested = false;
        }
    }
}
