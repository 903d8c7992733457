namespace FaceAspire.ServiceDefaults.Telemetry;

/// <summary>
/// Names of the <see cref="System.Diagnostics.ActivitySource"/>s and <see cref="System.Diagnostics.Metrics.Meter"/>s
/// every service listens to. The instrumentation packages (OpenTelemetry.Instrumentation.AspNetCore, .Http, ...)
/// are not in this registry; ASP.NET Core, HttpClient, Npgsql and MassTransit emit Activities and Meters natively,
/// so listening to their sources by name gives the same spans (without the packages' enrichment and filtering).
/// </summary>
public static class TelemetrySources
{
    /// <summary>Our own sources: "FaceAspire.Vision" (decode/detect/align/embed/emotion/agegender stages),
    /// "FaceAspire.Pipeline" (match and database spans) and any later "FaceAspire.*" source.</summary>
    public const string FaceAspireWildcard = "FaceAspire.*";

    /// <summary>ActivitySource names: ASP.NET Core hosting (server spans, one per request), HttpClient's
    /// DiagnosticsHandler (client spans), Npgsql (one span per command), MassTransit (send/receive/consume).</summary>
    public static readonly IReadOnlyList<string> ActivitySources =
        ["Microsoft.AspNetCore", "System.Net.Http", "Npgsql", "MassTransit", FaceAspireWildcard];

    /// <summary>Meter names: ASP.NET Core (hosting, Kestrel, routing, diagnostics), HttpClient and DNS, the
    /// runtime's built-in "System.Runtime" meter (.NET 9+), Npgsql, MassTransit and ours.</summary>
    public static readonly IReadOnlyList<string> Meters =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Diagnostics", "System.Net.Http", "System.Net.NameResolution", "System.Runtime",
        "Npgsql", "MassTransit", FaceAspireWildcard,
    ];
}
