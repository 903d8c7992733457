using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace FaceAspire.Core.Data;

/// <summary>
/// Readiness of <c>facedb</c> for a service: the app role's pool reaches the database AND can read <c>frames</c>,
/// so an unmigrated database reports unhealthy too (a bare <c>SELECT 1</c> would pass and the first request fail).
/// One indexed probe (<c>SELECT 1 FROM frames LIMIT 1</c>), bounded by the health check's timeout. Used by the Api
/// and the Worker under the name <see cref="Name"/>, tagged <c>ready</c>.
/// </summary>
public sealed class FaceDbHealthCheck(NpgsqlDataSource dataSource) : IHealthCheck
{
    /// <summary>The check's registration name in /health.</summary>
    public const string Name = "facedb";

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1 FROM frames LIMIT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "facedb is not reachable or not migrated: " + e.Message, e);
        }
    }
}
