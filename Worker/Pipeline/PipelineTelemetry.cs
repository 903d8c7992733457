using System.Diagnostics;

namespace FaceAspire.Worker.Pipeline;

/// <summary>
/// The pipeline's <see cref="ActivitySource"/> (name <c>FaceAspire.Pipeline</c>, shared with the Api's ingest
/// and outbox spans by name). The Worker emits <c>analyze</c> (one per delivered frame, child of MassTransit's
/// consume span: the claim, the <c>FaceAspire.Vision</c> stage spans, <c>match</c> and the result events nest
/// under it) and <c>match</c> (identity matching + the database write, whose Npgsql spans nest under it).
/// </summary>
public static class PipelineTelemetry
{
    /// <summary>Source name to add to a tracer provider.</summary>
    public const string SourceName = "FaceAspire.Pipeline";

    /// <summary>The source.</summary>
    public static readonly ActivitySource Source = new(SourceName);
}
