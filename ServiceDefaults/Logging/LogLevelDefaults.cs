using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace FaceAspire.ServiceDefaults.Logging;

/// <summary>
/// Default minimum log levels for the categories that log once per SQL statement or HTTP request at
/// <c>Information</c>, as the ASP.NET Core templates' <c>appsettings.json</c> do for <c>Microsoft.AspNetCore</c>.
/// <para>
/// Why: Npgsql 8+ logs every executed command at <c>Information</c> (<c>Npgsql.Command</c>, event 2001, with its SQL).
/// A worker runs ~6 statements per frame, so it formatted, queued and wrote ~2.4 KB of SQL per frame to the console
/// and to the OpenTelemetry log pipeline, and its console logger thread switched context ~17 times per frame (strace
/// and /proc on the pinned end-to-end bench). The per-request lines of <c>Microsoft.AspNetCore</c> cost the Api the
/// same way on every POST. Warnings and errors of these categories are still logged.
/// </para>
/// <para>
/// What the user configures wins: a default is left out when <c>Logging:LogLevel</c> already names its category or a
/// parent of it (<c>Npgsql</c> for <c>Npgsql.Command</c>), and configuration added later overrides it, e.g.
/// <c>Logging__LogLevel__Npgsql.Command=Information</c> in the environment to see every statement again.
/// </para>
/// </summary>
public static class LogLevelDefaults
{
    /// <summary>Categories and their default minimum level.</summary>
    public static IReadOnlyDictionary<string, string> Levels { get; } = new Dictionary<string, string>
    {
        ["Npgsql.Command"] = "Warning",
        ["Microsoft.EntityFrameworkCore.Database.Command"] = "Warning",
        ["Microsoft.AspNetCore"] = "Warning",
    };

    /// <summary>Adds the <see cref="Levels"/> the configuration does not set yet, as an in-memory source.</summary>
    /// <remarks>Appended, not inserted first: inserting a source rebuilds every provider, which would drop values
    /// set through the configuration's indexer before this call.</remarks>
    /// <returns>The builder, for chaining.</returns>
    public static TBuilder AddDefaultLogLevels<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var configured = builder.Configuration.GetSection("Logging:LogLevel");
        var missing = Levels
            .Where(l => !SelfAndParents(l.Key).Any(category => configured[category] is not null))
            .ToDictionary(l => $"Logging:LogLevel:{l.Key}", l => (string?)l.Value);
        if (missing.Count > 0)
            builder.Configuration.AddInMemoryCollection(missing);
        return builder;
    }

    /// <summary><c>a.b.c</c> → <c>a.b.c</c>, <c>a.b</c>, <c>a</c>.</summary>
    private static IEnumerable<string> SelfAndParents(string category)
    {
        for (var c = category; c.Length > 0; c = c.Contains('.') ? c[..c.LastIndexOf('.')] : "")
            yield return c;
    }
}
