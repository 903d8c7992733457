using System.Text.Json;
using FaceAspire.Core.Jobs;

namespace FaceAspire.Worker.Jobs;

/// <summary>One running job as a job implementation sees it: its id, parameters and a progress reporter.</summary>
/// <param name="JobId">The <c>jobs</c> row.</param>
/// <param name="Parameters">The request's parameters (a JSON object), or an empty object.</param>
/// <param name="Store">The jobs table.</param>
public sealed record JobRun(Guid JobId, JsonElement Parameters, JobStore Store)
{
    private DateTime _lastReport = DateTime.MinValue;

    /// <summary>An integer parameter, or <paramref name="fallback"/> when absent.</summary>
    /// <exception cref="ArgumentException">Present but not an integer in [<paramref name="min"/>, <paramref name="max"/>].</exception>
    public int Int(string name, int fallback, int min, int max)
    {
        if (Parameters.ValueKind != JsonValueKind.Object || !Parameters.TryGetProperty(name, out var value))
            return fallback;
        if (!value.TryGetInt32(out var n) || n < min || n > max)
            throw new ArgumentException($"Parameter '{name}' must be an integer in [{min}, {max}].");
        return n;
    }

    /// <summary>Stores progress at most every 500 ms (always when <paramref name="force"/>).</summary>
    public async Task ReportAsync(int done, int? total, CancellationToken cancellationToken, bool force = false)
    {
        if (!force && DateTime.UtcNow - _lastReport < TimeSpan.FromMilliseconds(500))
            return;
        _lastReport = DateTime.UtcNow;
        await Store.ProgressAsync(JobId, done, total, cancellationToken);
    }
}

/// <summary>A maintenance job implementation (one per <see cref="JobKinds"/> value).</summary>
public interface IMaintenanceJob
{
    /// <summary>The kind it implements.</summary>
    string Kind { get; }

    /// <summary>Runs the job; returns what it did (serialised to <c>jobs.result</c>).</summary>
    /// <exception cref="ArgumentException">Bad parameters (the job fails with the message).</exception>
    Task<object> RunAsync(JobRun run, CancellationToken cancellationToken);
}
