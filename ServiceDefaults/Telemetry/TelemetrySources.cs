namespace FaceAspire.ServiceDefaults.Telemetry;

/// <summary>
/// Names of the <see cref="System.Diagnostics.ActivitySource"/>s and <see cref="System.Diagnostics.Metrics.Meter"/>s
/// every service listens to beyond what the instrumentation packages register (ASP.NET Core, HttpClient, runtime,
/// Npgsql): MassTransit's and our own.
/// </summary>
public static class TelemetrySources
{
    /// <summary>Our own sources: "FaceAspire.Vision" (decode/detect/align/embed/emotion/agegender stages),
    /// "FaceAspire.Pipeline" (match and database spans), "FaceAspire.Migrations" and any later "FaceAspire.*".</summary>
    public const string FaceAspireWildcard = "FaceAspire.*";

    /// <summary>ActivitySource names: MassTransit (send/receive/consume) and ours.</summary>
    public static readonly IReadOnlyList<string> ActivitySources = ["MassTransit", FaceAspireWildcard];

    /// <summary>Meter names: MassTransit and ours.</summary>
    public static readonly IReadOnlyList<string> Meters = ["MassTransit", FaceAspireWildcard];
}
